/** Placeholder with the Home screen's shape, so nothing jumps when the state arrives. */
export function LoadingScreen() {
  return (
    <div aria-busy="true">
      <h1 tabIndex={-1}>Loading…</h1>
      <div className="grid">
        <section className="card skeleton" aria-hidden="true" />
        <section className="card skeleton" aria-hidden="true" />
      </div>
      <section className="card skeleton wide" aria-hidden="true" />
    </div>
  );
}
