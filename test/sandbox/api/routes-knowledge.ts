import {
  allPublishers,
  searchMedications,
  searchPharmacology,
  searchProtocols,
} from '../../../server/eka/api/knowledge';
import { seedDrugs } from '../seed/drugs';
import { PHARMACOLOGY, type PharmacologyEntry } from '../seed/pharmacology';
import { PROTOCOLS, type Protocol } from '../seed/protocols';
import { contractRoute } from './contract-route';
import { ApiError } from './http-util';
import type { Route } from './router';

const DRUGS = seedDrugs();
const MAX_DRUGS = 50;

const norm = (value: string) => value.toLowerCase().replace(/\s+/g, '');
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);

function protocolView(p: Protocol) {
  return {
    url: p.url,
    source_url: p.source_url,
    type: p.type,
    author: p.author,
    publication_year: p.publication_year,
    conditions: p.conditions,
  };
}

/** A `PharmacologyEntry` (references.yaml): the text fields are strings. */
function pharmacologyView(e: PharmacologyEntry) {
  return {
    generic_name: e.generic_name,
    components: e.components,
    is_compound: e.components.length > 1,
    generic_category: e.generic_category,
    pregnancy_category: e.pregnancy_category,
    indications: e.indications.join('; '),
    dose: e.dose,
    contraindications: e.contraindications.join('; '),
    adverse_effects: e.adverse_effects.join('; '),
    precautions: e.interactions.length ? `Interactions: ${e.interactions.join('; ')}` : null,
    note: e.source,
  };
}

function matchesQuery(p: Protocol, query: string): boolean {
  const haystack = `${p.title} ${p.conditions.join(' ')} ${p.tags.join(' ')}`.toLowerCase();
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length > 1);
  return words.length > 0 && words.every((w) => haystack.includes(w.replace(/s$/, '')));
}

/** The clinical reference endpoints under `/eka-mcp/` (references.yaml). */
export const knowledgeRoutes: Route[] = [
  contractRoute(searchMedications, ({ query }) => {
    const name = (query.drug_name ?? '').trim().toLowerCase();
    const form = (query.form ?? '').trim().toLowerCase();
    const generics = list(query.generic_names);
    const volumes = list(query.volumes).map(norm);
    if (!name && generics.length === 0) {
      throw new ApiError(400, 'invalid_request', 'Give drug_name or generic_names.');
    }
    const hits = DRUGS.filter(
      (d) =>
        (!name || d.name.toLowerCase().includes(name) || d.generic_name.toLowerCase().includes(name)) &&
        (!form || d.form === form || d.form.startsWith(`${form} `)) &&
        (generics.length === 0 || generics.some((g) => d.generic_name.toLowerCase().includes(g))) &&
        (volumes.length === 0 || volumes.some((v) => norm(d.volume).startsWith(v))),
    ).slice(0, MAX_DRUGS);
    return {
      json: hits.map((d) => ({
        name: d.name,
        generic_name: d.generic_name,
        manufacturer_name: d.manufacturer_name,
        product_type: d.product_type,
      })),
    };
  }),
  contractRoute(searchProtocols, ({ body }) => {
    const seen = new Set<string>();
    const results = [];
    for (const { query, tag, publisher } of body.queries) {
      for (const p of PROTOCOLS) {
        if (!p.tags.includes(tag.toLowerCase())) continue;
        if (p.publisher.toLowerCase() !== publisher.toLowerCase()) continue;
        if (!matchesQuery(p, query)) continue;
        if (seen.has(p.url)) continue;
        seen.add(p.url);
        results.push(protocolView(p));
      }
    }
    return { json: results };
  }),
  contractRoute(allPublishers, () => ({
    json: [...new Set(PROTOCOLS.map((p) => p.publisher))].sort(),
  })),
  contractRoute(searchPharmacology, ({ query }) => {
    const text = (query.query ?? '').trim().toLowerCase();
    const category = (query.category ?? '').trim().toLowerCase();
    if (text.length < 2 && !category) {
      throw new ApiError(400, 'invalid_request', '"query" needs at least two characters.');
    }
    const results = PHARMACOLOGY.filter(
      (e) =>
        (!category || e.generic_category.toLowerCase().includes(category)) &&
        (!text ||
          (query.exact_match
            ? e.generic_name.toLowerCase() === text
            : e.generic_name.toLowerCase().includes(text) ||
              e.generic_category.toLowerCase().includes(text) ||
              e.indications.some((i) => i.includes(text)))),
    ).slice(0, query.limit ?? 10);
    return { json: { results: results.map(pharmacologyView), search_info: { query: text } } };
  }),
];
