/**
 * Clinical reference tools: Indian branded drugs, Indian treatment protocols
 * (ICMR, RSSDI and other publishers) and pharmacology of generic drugs.
 */
import { z } from 'zod/v4';
import { arr, compact, obj, runTool, str, type ToolDeps, toolResult } from './tool-kit';
import type { ToolRegistry } from './tool-registry';

const text = (what: string, max = 200) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required.`)
    .max(max, `${what} is too long (${max} characters at most).`);

const drugSchema = () =>
  z.object({
    name: z.string(),
    generic_name: z.string().optional(),
    manufacturer_name: z.string().optional(),
    product_type: z.string().optional(),
  });

const protocolSchema = () =>
  z.object({
    title: z.string().optional(),
    publisher: z.string().optional(),
    url: z.string().optional(),
    source_url: z.string().optional(),
    type: z.string().optional().describe('image or pdf.'),
    author: z.string().optional(),
    publication_year: z.union([z.number(), z.string()]).optional(),
    conditions: z.array(z.string()).optional(),
  });

/** Registers indian_branded_drug_search, indian_treatment_protocol_search, protocol_publishers and indian_pharmacology_details. */
export function registerKnowledgeTools(tools: ToolRegistry, deps: ToolDeps): void {
  const { client } = deps;

  tools.define(
    'indian_branded_drug_search',
    () => ({
      title: 'Indian branded drugs',
      description:
        'Search Indian branded medicines (about 500,000 brands) by brand or generic name. Use it to find the brands available in India for a generic, or the generic and manufacturer behind a brand. Optional filters: dosage form, generic names, strengths.',
      inputSchema: {
        drug_name: text('drug_name', 100).describe('Brand or generic name, e.g. "Dolo" or "paracetamol".'),
        form: z
          .string()
          .trim()
          .max(50)
          .optional()
          .describe('Dosage form, e.g. tablet, syrup, injection (optional).'),
        generic_names: z
          .string()
          .trim()
          .max(200)
          .optional()
          .describe('Comma-separated generic names to match, e.g. "paracetamol,caffeine" (optional).'),
        volumes: z
          .string()
          .trim()
          .max(100)
          .optional()
          .describe('Strength or volume, e.g. "650 mg" (optional).'),
      },
      outputSchema: { drugs: z.array(drugSchema()), count: z.number().int() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ drug_name, form, generic_names, volumes }, extra) =>
      runTool('indian_branded_drug_search', deps, async () => {
        const raw = await client.request({
          method: 'GET',
          path: '/eka-mcp/medications/v1/search',
          query: { drug_name, form, generic_names, volumes },
          signal: extra.signal,
        });
        const items = Array.isArray(raw) ? raw : arr(obj(raw).data ?? obj(raw).results);
        const drugs = items
          .map(obj)
          .map((d) =>
            compact({
              name: str(d.name) ?? '',
              generic_name: str(d.generic_name),
              manufacturer_name: str(d.manufacturer_name),
              product_type: str(d.product_type),
            }),
          )
          .filter((d) => d.name);
        const body =
          drugs.length === 0
            ? `No Indian brands match "${drug_name}". Try the generic name or a shorter spelling.`
            : `${drugs.length} brand(s):\n${drugs
                .slice(0, 25)
                .map(
                  (d) =>
                    `- ${d.name}${d.generic_name ? ` (${d.generic_name})` : ''}${d.manufacturer_name ? `, ${d.manufacturer_name}` : ''}${d.product_type ? `, ${d.product_type}` : ''}`,
                )
                .join(
                  '\n',
                )}${drugs.length > 25 ? `\n(and ${drugs.length - 25} more in the structured result)` : ''}`;
        return toolResult({ drugs, count: drugs.length }, body);
      }),
  );

  tools.define(
    'indian_treatment_protocol_search',
    () => ({
      title: 'Indian treatment protocols',
      description:
        'Search Indian treatment guidelines and protocols (ICMR, RSSDI and other Indian publishers) for a condition. Give a question, a condition tag (e.g. "diabetes") and a publisher from protocol_publishers. Returns links to the guideline pages (images or PDFs).',
      inputSchema: {
        query: text('query', 300).describe(
          'What to look up, e.g. "first-line treatment of type 2 diabetes".',
        ),
        tag: text('tag', 100).describe('Condition tag, e.g. "diabetes", "hypertension", "tuberculosis".'),
        publisher: text('publisher', 100).describe(
          'Publisher name exactly as protocol_publishers lists it, e.g. "ICMR".',
        ),
      },
      outputSchema: { protocols: z.array(protocolSchema()), count: z.number().int() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ query, tag, publisher }, extra) =>
      runTool('indian_treatment_protocol_search', deps, async () => {
        const raw = await client.request({
          method: 'POST',
          path: '/eka-mcp/protocols/v1/search',
          body: [{ query, tag, publisher }],
          idempotent: true,
          signal: extra.signal,
        });
        const items = Array.isArray(raw) ? raw : arr(obj(raw).data ?? obj(raw).results);
        const protocols = items.map(obj).map((p) =>
          compact({
            title: str(p.title),
            publisher: str(p.publisher),
            url: str(p.url),
            source_url: str(p.source_url),
            type: str(p.type),
            author: str(p.author),
            publication_year:
              typeof p.publication_year === 'number' || typeof p.publication_year === 'string'
                ? p.publication_year
                : undefined,
            conditions: arr(p.conditions).filter((c): c is string => typeof c === 'string'),
          }),
        );
        const body =
          protocols.length === 0
            ? `No ${publisher} protocols found for "${tag}". Check the publisher with protocol_publishers or try a broader tag.`
            : `${protocols.length} protocol page(s):\n${protocols
                .map(
                  (p) =>
                    `- ${p.author ?? publisher}${p.publication_year ? ` (${p.publication_year})` : ''}: ${p.url ?? p.source_url ?? 'no link'}`,
                )
                .join('\n')}`;
        return toolResult({ protocols, count: protocols.length }, body);
      }),
  );

  tools.define(
    'protocol_publishers',
    () => ({
      title: 'Protocol publishers for a condition',
      description:
        'The Indian publishers (e.g. ICMR, RSSDI) that have treatment protocols for a condition tag. Call before indian_treatment_protocol_search to pick a publisher.',
      inputSchema: { tag: text('tag', 100).describe('Condition tag, e.g. "diabetes".') },
      outputSchema: { publishers: z.array(z.string()), tag: z.string() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ tag }, extra) =>
      runTool('protocol_publishers', deps, async () => {
        const raw = await client.request({
          method: 'GET',
          path: '/eka-mcp/protocols/v1/publishers/tag',
          query: { tag },
          signal: extra.signal,
        });
        const items = Array.isArray(raw) ? raw : arr(obj(raw).data ?? obj(raw).publishers);
        const publishers = items
          .map((p) => (typeof p === 'string' ? p : str(obj(p).name ?? obj(p).publisher)))
          .filter((p): p is string => !!p);
        const body =
          publishers.length === 0
            ? `No publishers have protocols tagged "${tag}". Try a broader condition name.`
            : `Publishers with "${tag}" protocols: ${publishers.join(', ')}.`;
        return toolResult({ publishers, tag }, body);
      }),
  );

  tools.define(
    'indian_pharmacology_details',
    () => ({
      title: 'Pharmacology of a generic drug',
      description:
        'Pharmacology of a generic drug from Indian references: components, indications, dosing, contraindications, adverse effects and pregnancy category. Give the generic name (use indian_branded_drug_search to find the generic behind a brand).',
      inputSchema: { query: text('query', 100).describe('Generic drug name, e.g. "metformin".') },
      outputSchema: {
        results: z.array(
          z.object({
            generic_name: z.string(),
            drug_class: z.string().optional(),
            components: z.unknown().optional(),
            indications: z.unknown().optional(),
            dose: z.unknown().optional(),
            contraindications: z.unknown().optional(),
            adverse_effects: z.unknown().optional(),
            pregnancy_category: z.unknown().optional(),
          }),
        ),
        count: z.number().int(),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ query }, extra) =>
      runTool('indian_pharmacology_details', deps, async () => {
        const raw = await client.request({
          method: 'GET',
          path: '/eka-mcp/pharmacology/v1/search',
          query: { query },
          signal: extra.signal,
        });
        const items = Array.isArray(raw) ? raw : arr(obj(raw).results ?? obj(raw).data);
        const results = items
          .map(obj)
          .map((r) =>
            compact({
              generic_name: str(r.generic_name) ?? '',
              drug_class: str(r.drug_class),
              components: r.components,
              indications: r.indications,
              dose: r.dose,
              contraindications: r.contraindications,
              adverse_effects: r.adverse_effects,
              pregnancy_category: r.pregnancy_category,
            }),
          )
          .filter((r) => r.generic_name);
        const show = (v: unknown) =>
          Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : v ? JSON.stringify(v) : '';
        const body =
          results.length === 0
            ? `No pharmacology entry for "${query}". Use the generic name (indian_branded_drug_search finds it from a brand).`
            : results
                .slice(0, 3)
                .map((r) =>
                  [
                    `${r.generic_name}:`,
                    r.indications ? `Indications: ${show(r.indications)}` : '',
                    r.dose ? `Dose: ${show(r.dose)}` : '',
                    r.contraindications ? `Contraindications: ${show(r.contraindications)}` : '',
                    r.adverse_effects ? `Adverse effects: ${show(r.adverse_effects)}` : '',
                    r.pregnancy_category ? `Pregnancy category: ${show(r.pregnancy_category)}` : '',
                  ]
                    .filter(Boolean)
                    .join('\n'),
                )
                .join('\n\n');
        return toolResult({ results, count: results.length }, body);
      }),
  );
}
