/**
 * Clinical reference tools: Indian branded drugs, Indian treatment protocols
 * (ICMR, RSSDI and other publishers) and pharmacology of generic drugs.
 */
import { z } from 'zod/v4';
import { allPublishers, searchMedications, searchPharmacology, searchProtocols } from '../eka/api/knowledge';
import { compact, runTool, type ToolDeps, toolResult } from './tool-kit';
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
    url: z.string().optional(),
    source_url: z.string().optional(),
    type: z.string().optional().describe('image or pdf.'),
    author: z.string().optional(),
    publication_year: z.number().int().optional(),
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
        const items = await client.call(searchMedications, {
          query: compact({ drug_name, form, generic_names, volumes }),
          scope: extra,
        });
        const drugs = items.map((d) =>
          compact({
            name: d.name,
            generic_name: d.generic_name ?? undefined,
            manufacturer_name: d.manufacturer_name ?? undefined,
            product_type: d.product_type ?? undefined,
          }),
        );
        const body =
          drugs.length === 0
            ? `No Indian brands match "${drug_name}". Try the generic name or a shorter spelling.`
            : `${drugs.length} brand(s):\n${drugs
                .map(
                  (d) =>
                    `- ${d.name}${d.generic_name ? ` (${d.generic_name})` : ''}${d.manufacturer_name ? `, ${d.manufacturer_name}` : ''}${d.product_type ? `, ${d.product_type}` : ''}`,
                )
                .join('\n')}`;
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
        const items = await client.call(searchProtocols, {
          body: { queries: [{ query, tag, publisher }] },
          scope: extra,
        });
        const protocols = items.map((p) =>
          compact({
            url: p.url ?? undefined,
            source_url: p.source_url ?? undefined,
            type: p.type ?? undefined,
            author: p.author ?? undefined,
            publication_year: p.publication_year ?? undefined,
            conditions: p.conditions ?? undefined,
          }),
        );
        const body =
          protocols.length === 0
            ? `No ${publisher} protocols found for "${tag}". Check the publisher with protocol_publishers or try a broader tag.`
            : `${protocols.length} protocol page(s):\n${protocols
                .map(
                  (p) =>
                    `- ${p.author ?? publisher}${p.publication_year ? ` (${p.publication_year})` : ''}${p.type ? `, ${p.type}` : ''}${p.conditions?.length ? `, for ${p.conditions.join(', ')}` : ''}: ${p.url ?? 'no link'}${p.source_url ? ` (source ${p.source_url})` : ''}`,
                )
                .join('\n')}`;
        return toolResult({ protocols, count: protocols.length }, body);
      }),
  );

  tools.define(
    'protocol_publishers',
    () => ({
      title: 'Protocol publishers',
      description:
        'Every publisher of Indian treatment protocols that Eka holds (e.g. ICMR, RSSDI). Call before indian_treatment_protocol_search to pick a publisher name exactly as listed.',
      inputSchema: {},
      outputSchema: { publishers: z.array(z.string()), count: z.number().int() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async (_args, extra) =>
      runTool('protocol_publishers', deps, async () => {
        const publishers = await client.call(allPublishers, { scope: extra });
        const body =
          publishers.length === 0
            ? 'Eka lists no protocol publishers.'
            : `Protocol publishers: ${publishers.join(', ')}.`;
        return toolResult({ publishers, count: publishers.length }, body);
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
            generic_category: z.string().optional().describe('Drug class, e.g. Anti-Infectives.'),
            components: z.array(z.string()),
            is_compound: z.boolean(),
            indications: z.string().optional(),
            dose: z.string().optional(),
            contraindications: z.string().optional(),
            precautions: z.string().optional(),
            adverse_effects: z.string().optional(),
            pregnancy_category: z.string().optional(),
          }),
        ),
        count: z.number().int(),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ query }, extra) =>
      runTool('indian_pharmacology_details', deps, async () => {
        const reply = await client.call(searchPharmacology, { query: { query }, scope: extra });
        const results = reply.results.map((r) =>
          compact({
            generic_name: r.generic_name,
            generic_category: r.generic_category ?? undefined,
            components: r.components,
            is_compound: r.is_compound,
            indications: r.indications ?? undefined,
            dose: r.dose ?? undefined,
            contraindications: r.contraindications ?? undefined,
            precautions: r.precautions ?? undefined,
            adverse_effects: r.adverse_effects ?? undefined,
            pregnancy_category: r.pregnancy_category ?? undefined,
          }),
        );
        const show = (v: string) => v;
        const body =
          results.length === 0
            ? `No pharmacology entry for "${query}". Use the generic name (indian_branded_drug_search finds it from a brand).`
            : results
                .map((r) =>
                  [
                    `${r.generic_name}${r.generic_category ? ` (${r.generic_category})` : ''}:`,
                    r.components?.length
                      ? `${r.is_compound ? 'Compound of' : 'Components'}: ${r.components.join(', ')}`
                      : '',
                    r.indications ? `Indications: ${show(r.indications)}` : '',
                    r.dose ? `Dose: ${show(r.dose)}` : '',
                    r.contraindications ? `Contraindications: ${show(r.contraindications)}` : '',
                    r.precautions ? `Precautions: ${show(r.precautions)}` : '',
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
