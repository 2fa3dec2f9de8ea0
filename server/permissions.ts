/**
 * What assistants may do: the tool catalogue (which tools read and which
 * change Eka), the three presets, per-tool switches and "ask first" for
 * destructive tools. Pure logic shared by the server, the app and the CLI;
 * the settings file holds the choice (`toolPermissions`).
 */
import { z } from 'zod';

export type ToolKind = 'read' | 'change';
export type PresetName = 'read-only' | 'appointments' | 'all';

export interface CatalogTool {
  name: string;
  /** Short words for switches and the journal ("Archive a patient"). */
  label: string;
  kind: ToolKind;
  /** Cannot be undone: may be set to ask first. */
  destructive: boolean;
  /** Part of "Read and manage appointments". */
  appointments: boolean;
}

const tool = (
  name: string,
  label: string,
  kind: ToolKind,
  extra: { destructive?: boolean; appointments?: boolean } = {},
): CatalogTool => ({
  name,
  label,
  kind,
  destructive: extra.destructive ?? false,
  appointments: extra.appointments ?? false,
});

/** Every Eka tool, grouped by family (a test checks it against the registry). */
export const TOOL_CATALOG: readonly CatalogTool[] = [
  tool('search_patients', 'Search patients', 'read'),
  tool('get_comprehensive_patient_profile', 'Read a patient profile', 'read'),
  tool('add_patient', 'Add a patient', 'change'),
  tool('list_patients', 'List patients', 'read'),
  tool('update_patient', 'Update a patient', 'change'),
  tool('archive_patient', 'Archive a patient', 'change', { destructive: true }),
  tool('get_patient_by_mobile', 'Find a patient by mobile', 'read'),
  tool('get_patient_details_basic', 'Read patient details', 'read'),
  tool('get_business_entities', 'List clinics and doctors', 'read'),
  tool('get_doctor_profile_basic', 'Read a doctor profile', 'read'),
  tool('get_clinic_details_basic', 'Read clinic details', 'read'),
  tool('get_doctor_services', "Read a doctor's services and fees", 'read'),
  tool('get_available_dates', 'See available dates', 'read'),
  tool('get_appointment_slots', 'See free slots', 'read'),
  tool('book_appointment', 'Book an appointment', 'change', { appointments: true }),
  tool('show_appointments_basic', 'List appointments', 'read'),
  tool('get_patient_appointments_basic', "List a patient's appointments", 'read'),
  tool('get_appointment_details', 'Read an appointment', 'read'),
  tool('reschedule_appointment', 'Reschedule an appointment', 'change', { appointments: true }),
  tool('complete_appointment', 'Mark an appointment completed', 'change', { appointments: true }),
  tool('cancel_appointment', 'Cancel an appointment', 'change', { destructive: true, appointments: true }),
  tool('abha_send_otp', 'ABHA login: send the code', 'change'),
  tool('abha_verify_otp', 'ABHA login: check the code', 'change'),
  tool('abha_select_profile', 'ABHA login: choose the profile', 'change'),
  tool('indian_branded_drug_search', 'Search Indian branded drugs', 'read'),
  tool('indian_treatment_protocol_search', 'Search treatment protocols', 'read'),
  tool('protocol_publishers', 'List protocol publishers', 'read'),
  tool('indian_pharmacology_details', 'Read pharmacology details', 'read'),
];

const BY_NAME = new Map(TOOL_CATALOG.map((t) => [t.name, t]));

/** The catalogue entry of `name`, if it is an Eka tool. */
export function catalogTool(name: string): CatalogTool | undefined {
  return BY_NAME.get(name);
}

/** Whether a tool reads or changes Eka (unknown tools count as changes). */
export function toolKind(name: string): ToolKind {
  return BY_NAME.get(name)?.kind ?? 'change';
}

export const PRESETS: readonly { name: PresetName; label: string; help: string }[] = [
  { name: 'read-only', label: 'Read only', help: 'Look things up; never add, change or cancel anything.' },
  {
    name: 'appointments',
    label: 'Read and manage appointments',
    help: 'Look things up, and book, complete or cancel appointments.',
  },
  {
    name: 'all',
    label: 'Everything',
    help: 'Every Eka tool, including adding, updating and archiving patients.',
  },
];

/** Whether `preset` includes `tool`. */
export function presetIncludes(preset: PresetName, entry: CatalogTool): boolean {
  if (preset === 'all') return true;
  if (entry.kind === 'read') return true;
  return preset === 'appointments' && entry.appointments;
}

const toolName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a tool name is snake_case');

/** The saved choice (settings field `toolPermissions`); absent means the defaults. */
export const toolPermissionsSchema = z
  .object({
    preset: z.enum(['read-only', 'appointments', 'all']),
    /** Switched on although the preset leaves them out. */
    allow: z.array(toolName).max(100).default([]),
    /** Switched off although the preset includes them. */
    deny: z.array(toolName).max(100).default([]),
    /** Destructive tools that ask the clinician first, in clients that can ask. */
    askFirst: z.array(toolName).max(100).default([]),
  })
  .strict();
export type ToolPermissions = z.infer<typeof toolPermissionsSchema>;

/** Everything, with archiving a patient set to ask first. */
export const DEFAULT_TOOL_PERMISSIONS: ToolPermissions = {
  preset: 'all',
  allow: [],
  deny: [],
  askFirst: ['archive_patient'],
};

/** One tool's effective state. */
export interface ToolState extends CatalogTool {
  enabled: boolean;
  askFirst: boolean;
}

/** The effective state of every catalogued tool under `permissions` (defaults when absent). */
export function effectiveTools(permissions: ToolPermissions | undefined): ToolState[] {
  const p = permissions ?? DEFAULT_TOOL_PERMISSIONS;
  return TOOL_CATALOG.map((entry) => {
    const enabled =
      !p.deny.includes(entry.name) && (presetIncludes(p.preset, entry) || p.allow.includes(entry.name));
    return { ...entry, enabled, askFirst: entry.destructive && p.askFirst.includes(entry.name) };
  });
}

/** Whether `name` may be listed and called (tools outside the catalogue follow the preset's "all"). */
export function isToolEnabled(permissions: ToolPermissions | undefined, name: string): boolean {
  const entry = BY_NAME.get(name);
  const p = permissions ?? DEFAULT_TOOL_PERMISSIONS;
  if (!entry) return p.preset === 'all' && !p.deny.includes(name);
  return !p.deny.includes(name) && (presetIncludes(p.preset, entry) || p.allow.includes(name));
}

/** Whether a call to `name` must be confirmed by the clinician first. */
export function isAskFirst(permissions: ToolPermissions | undefined, name: string): boolean {
  const entry = BY_NAME.get(name);
  return Boolean(entry?.destructive && (permissions ?? DEFAULT_TOOL_PERMISSIONS).askFirst.includes(name));
}

/** A preset chosen: per-tool switches reset, ask-first choices kept. */
export function withPreset(permissions: ToolPermissions | undefined, preset: PresetName): ToolPermissions {
  const p = permissions ?? DEFAULT_TOOL_PERMISSIONS;
  return { preset, allow: [], deny: [], askFirst: [...p.askFirst] };
}

/** Unknown tool names, as a person-readable error. */
export class UnknownToolError extends Error {
  readonly code = 'unknown-tool';
  constructor(names: string[]) {
    super(
      `${names.length === 1 ? 'There is no Eka tool named' : 'There are no Eka tools named'} ${names.join(', ')}. The tools are: ${TOOL_CATALOG.map((t) => t.name).join(', ')}`,
    );
    this.name = 'UnknownToolError';
  }
}

function checkNames(names: string[]): void {
  const unknown = names.filter((n) => !BY_NAME.has(n));
  if (unknown.length > 0) throw new UnknownToolError(unknown);
}

/** Switches tools on or off on top of the current preset. */
export function withSwitch(
  permissions: ToolPermissions | undefined,
  names: string[],
  enabled: boolean,
): ToolPermissions {
  checkNames(names);
  const p = permissions ?? DEFAULT_TOOL_PERMISSIONS;
  const allow = new Set(p.allow);
  const deny = new Set(p.deny);
  for (const name of names) {
    const entry = BY_NAME.get(name) as CatalogTool;
    const inPreset = presetIncludes(p.preset, entry);
    allow.delete(name);
    deny.delete(name);
    if (enabled && !inPreset) allow.add(name);
    if (!enabled && inPreset) deny.add(name);
  }
  return { preset: p.preset, allow: [...allow], deny: [...deny], askFirst: [...p.askFirst] };
}

/** Sets "ask first" on or off for destructive tools. */
export function withAskFirst(
  permissions: ToolPermissions | undefined,
  names: string[],
  askFirst: boolean,
): ToolPermissions {
  checkNames(names);
  const notDestructive = names.filter((n) => !BY_NAME.get(n)?.destructive);
  if (notDestructive.length > 0) {
    const destructive = TOOL_CATALOG.filter((t) => t.destructive).map((t) => t.name);
    throw new Error(`Only ${destructive.join(' and ')} can ask first (not ${notDestructive.join(', ')})`);
  }
  const p = permissions ?? DEFAULT_TOOL_PERMISSIONS;
  const set = new Set(p.askFirst);
  for (const name of names) {
    if (askFirst) set.add(name);
    else set.delete(name);
  }
  return { ...p, allow: [...p.allow], deny: [...p.deny], askFirst: [...set] };
}

/** The text a refused call returns: what happened and who can change it. */
export function refusalText(name: string): string {
  const label = BY_NAME.get(name)?.label.toLowerCase() ?? name;
  return `This assistant is not allowed to ${label} (${name}): the clinic switched it off in Eka MCP, under Settings > What assistants may do. Nothing was sent to Eka.`;
}
