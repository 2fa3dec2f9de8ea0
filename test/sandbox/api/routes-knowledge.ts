import { seedDrugs } from '../seed/drugs';
import { PHARMACOLOGY } from '../seed/pharmacology';
import { PROTOCOLS, type Protocol } from '../seed/protocols';
import { ApiError, readJson } from './http-util';
import type { Route } from './router';

const DRUGS = seedDrugs();
const MAX_DRUGS = 50;

const norm = (value: string) => value.toLowerCase().replace(/\s+/g, '');
const list = (value: string | null) =>
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
    publisher: p.publisher,
    publication_year: p.publication_year,
    conditions: p.conditions,
    title: p.title,
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

/** The clinical reference endpoints under `/eka-mcp/`: drugs, protocols, publishers, pharmacology. */
export const knowledgeRoutes: Route[] = [
  {
    method: 'GET',
    path: '/eka-mcp/medications/v1/search',
    handle({ url }) {
      const q = url.searchParams;
      const name = (q.get('drug_name') ?? '').trim().toLowerCase();
      if (name.length < 2)
        throw new ApiError(400, 'invalid_request', '"drug_name" needs at least two characters.');
      const form = (q.get('form') ?? '').trim().toLowerCase();
      const generics = list(q.get('generic_names'));
      const volumes = list(q.get('volumes')).map(norm);
      const hits = DRUGS.filter(
        (d) =>
          (d.name.toLowerCase().includes(name) || d.generic_name.toLowerCase().includes(name)) &&
          (!form || d.form === form || d.form.startsWith(`${form} `)) &&
          (generics.length === 0 || generics.some((g) => d.generic_name.toLowerCase().includes(g))) &&
          (volumes.length === 0 || volumes.includes(norm(d.volume))),
      ).slice(0, MAX_DRUGS);
      return {
        json: hits.map((d) => ({
          name: d.name,
          generic_name: d.generic_name,
          manufacturer_name: d.manufacturer_name,
          product_type: d.product_type,
          volume: d.volume,
        })),
      };
    },
  },
  {
    method: 'POST',
    path: '/eka-mcp/protocols/v1/search',
    async handle({ req }) {
      const body = await readJson(req);
      if (!Array.isArray(body) || body.length === 0 || body.length > 10) {
        throw new ApiError(
          400,
          'invalid_request',
          'The body must be a list of 1 to 10 {query, tag, publisher} objects.',
        );
      }
      const seen = new Set<string>();
      const results = [];
      for (const item of body) {
        if (
          typeof item !== 'object' ||
          item === null ||
          typeof (item as { query?: unknown }).query !== 'string'
        ) {
          throw new ApiError(400, 'invalid_request', 'Every search needs a "query" string.');
        }
        const { query, tag, publisher } = item as { query: string; tag?: unknown; publisher?: unknown };
        if (
          (tag !== undefined && typeof tag !== 'string') ||
          (publisher !== undefined && typeof publisher !== 'string')
        ) {
          throw new ApiError(400, 'invalid_request', '"tag" and "publisher" must be strings.');
        }
        for (const p of PROTOCOLS) {
          if (tag && !p.tags.includes(tag.toLowerCase())) continue;
          if (publisher && p.publisher.toLowerCase() !== publisher.toLowerCase()) continue;
          if (query.trim() !== '' && !matchesQuery(p, query)) continue;
          if (seen.has(p.url)) continue;
          seen.add(p.url);
          results.push(protocolView(p));
        }
      }
      return { json: results };
    },
  },
  {
    method: 'GET',
    path: '/eka-mcp/protocols/v1/publishers/tag',
    handle({ url }) {
      const tag = (url.searchParams.get('tag') ?? '').trim().toLowerCase();
      if (!tag) throw new ApiError(400, 'invalid_request', '"tag" is required, e.g. diabetes.');
      const publishers = [...new Set(PROTOCOLS.filter((p) => p.tags.includes(tag)).map((p) => p.publisher))];
      return { json: publishers.sort() };
    },
  },
  {
    method: 'GET',
    path: '/eka-mcp/pharmacology/v1/search',
    handle({ url }) {
      const query = (url.searchParams.get('query') ?? '').trim().toLowerCase();
      if (query.length < 2)
        throw new ApiError(400, 'invalid_request', '"query" needs at least two characters.');
      const results = PHARMACOLOGY.filter(
        (e) =>
          e.generic_name.toLowerCase().includes(query) ||
          e.drug_class.toLowerCase().includes(query) ||
          e.indications.some((i) => i.includes(query)),
      );
      return { json: { results } };
    },
  },
];
