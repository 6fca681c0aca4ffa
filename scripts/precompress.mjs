// Writes a gzip copy (name.gz, git-ignored) beside every file under static/ that compresses well, so that
// nginx serves it as it is (gzip_static, webapp/nginx.conf) instead of compressing each request. A copy is
// written again only when its file changed; a copy whose file is gone is removed.

import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "static");
const compressible = new Set([".js", ".mjs", ".css", ".wasm", ".svg", ".json", ".html", ".txt"]);
const smallest = 1024; // bytes: below this, compressing saves less than it costs (webapp/config.py agrees)

let written = 0;
for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile()) continue;
  const path = join(entry.parentPath, entry.name);
  if (path.endsWith(".gz")) {
    const source = path.slice(0, -3);
    if (!statSync(source, { throwIfNoEntry: false })) rmSync(path);
    continue;
  }
  if (!compressible.has(extname(path)) || statSync(path).size < smallest) continue;
  const copy = statSync(`${path}.gz`, { throwIfNoEntry: false });
  if (copy && copy.mtimeMs >= statSync(path).mtimeMs) continue;
  writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
  written += 1;
}
console.log(`precompress: ${written} gzip copies written under static/`);
