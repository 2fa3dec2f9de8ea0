// What both HTTP-benchmark baselines (bench/proxy.mjs, bench/sdk-floor.mjs)
// do for one search_patients call, so they cost the same outside their
// serving: the sandbox query for the call's arguments, and the tool result
// (text and structured content) built from Eka's reply.

/** The patient-search query string for the call's `prefix` and `limit`. */
export function searchQuery(args) {
  return new URLSearchParams({ prefix: args.prefix, limit: String(args.limit), select: 'dob,gen,abha' });
}

/** The tool result for Eka's list of patient records. */
export function searchResult(found, prefix) {
  if (!Array.isArray(found)) throw new Error('the patient search did not answer a list');
  const patients = found.map((p) => ({
    patient_id: p.oid,
    name: p.fln,
    mobile: p.mobile,
    dob: p.dob,
    gender: p.gen,
    abha: p.abha,
  }));
  const text = `${patients.length} patient(s) match "${prefix}":\n${patients.map((p) => `- ${p.name}, id ${p.patient_id}`).join('\n')}`;
  return { content: [{ type: 'text', text }], structuredContent: { patients, count: patients.length } };
}
