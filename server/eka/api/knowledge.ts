/**
 * Clinical references under `/eka-mcp/`, from
 * `api-reference/knowledge-base/references.yaml`: branded drugs, protocol
 * search (`{"queries": [...]}`), all publishers, and pharmacology
 * (`generic_category`).
 */
import { z } from 'zod/v4';
import { defineEndpoint, queryBool, queryInt } from './endpoint';

const SOURCE = 'api-reference/knowledge-base/references.yaml';
const HEADERS = ['authorization'] as const;

const nullableText = z.string().nullable().optional();

/** `GET /eka-mcp/medications/v1/search`: Indian branded drugs. */
export const searchMedications = defineEndpoint({
  id: 'knowledge.medications',
  method: 'GET',
  path: '/eka-mcp/medications/v1/search',
  headers: HEADERS,
  query: z
    .object({
      drug_name: z.string().optional(),
      form: z.string().optional(),
      generic_names: z.string().optional(),
      volumes: z.string().optional(),
    })
    .strict(),
  response: z.array(
    z
      .object({
        name: z.string(),
        generic_name: nullableText,
        manufacturer_name: nullableText,
        product_type: nullableText,
      })
      .loose(),
  ),
  success: [200],
  errorShape: 'error-string',
  source: SOURCE,
});

/** One protocol search (`Protocol` in `QueryProtocols`). */
export const ProtocolQuery = z
  .object({ query: z.string().min(1), tag: z.string().min(1), publisher: z.string().min(1) })
  .strict();

/** `POST /eka-mcp/protocols/v1/search`: protocol pages for `{queries: [...]}`. */
export const searchProtocols = defineEndpoint({
  id: 'knowledge.protocols',
  method: 'POST',
  path: '/eka-mcp/protocols/v1/search',
  headers: HEADERS,
  body: z.object({ queries: z.array(ProtocolQuery).min(1) }).strict(),
  response: z.array(
    z
      .object({
        url: nullableText,
        source_url: nullableText,
        type: z.enum(['image', 'pdf']).nullable().optional(),
        author: nullableText,
        publication_year: z.number().int().nullable().optional(),
        conditions: z.array(z.string()).nullable().optional(),
      })
      .loose(),
  ),
  success: [200],
  errorShape: 'error-string',
  idempotent: true,
  source: SOURCE,
});

/** `GET /eka-mcp/protocols/v1/publishers/all`: every protocol publisher. */
export const allPublishers = defineEndpoint({
  id: 'knowledge.publishers',
  method: 'GET',
  path: '/eka-mcp/protocols/v1/publishers/all',
  headers: HEADERS,
  response: z.array(z.string()),
  success: [200],
  errorShape: 'error-string',
  source: SOURCE,
});

/** `PharmacologyEntry`. */
export const PharmacologyEntry = z
  .object({
    generic_name: z.string(),
    components: z.array(z.string()),
    is_compound: z.boolean(),
    generic_category: nullableText,
    pregnancy_category: nullableText,
    indications: nullableText,
    availability: nullableText,
    dose: nullableText,
    contraindications: nullableText,
    precautions: nullableText,
    adverse_effects: nullableText,
    storage: nullableText,
    schedule: nullableText,
    note: nullableText,
  })
  .loose();

/** `GET /eka-mcp/pharmacology/v1/search`: pharmacology of generics (National Formulary of India). */
export const searchPharmacology = defineEndpoint({
  id: 'knowledge.pharmacology',
  method: 'GET',
  path: '/eka-mcp/pharmacology/v1/search',
  headers: HEADERS,
  query: z
    .object({
      query: z.string().optional(),
      category: z.string().optional(),
      limit: queryInt((n) => n.min(1)).optional(),
      exact_match: queryBool().optional(),
      relevance_threshold: queryInt().optional(),
    })
    .strict(),
  response: z
    .object({
      results: z.array(PharmacologyEntry),
      search_info: z.record(z.string(), z.unknown()).optional(),
    })
    .loose(),
  success: [200],
  errorShape: 'error-string',
  source: SOURCE,
});

/** Every knowledge endpoint the product calls. */
export const knowledgeEndpoints = [
  searchMedications,
  searchProtocols,
  allPublishers,
  searchPharmacology,
] as const;
