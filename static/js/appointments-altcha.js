// The ALTCHA widget's "external" build ships no solver; register the PBKDF2 worker as a file, since the
// Content Security Policy forbids the blob: workers of the default build.
const widget = document.querySelector("altcha-widget[data-worker]");
if (widget && globalThis.$altcha) {
  const workerUrl = widget.dataset.worker;
  for (const algorithm of ["PBKDF2/SHA-256", "PBKDF2/SHA-384", "PBKDF2/SHA-512"]) {
    globalThis.$altcha.algorithms.set(algorithm, () => new Worker(workerUrl));
  }
}
