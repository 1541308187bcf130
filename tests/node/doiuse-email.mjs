// What caniemail.com's data (through @jsx-email/doiuse-email) says of e-mail bodies in the mail
// clients we care about; prints JSON: per file, its errors (features a client drops) and warnings
// (features it supports in part).
//   node tests/node/doiuse-email.mjs FILE...
import { readFileSync } from "node:fs";
import { doIUseEmail } from "@jsx-email/doiuse-email";

const CLIENTS = ["gmail.*", "outlook.*", "apple-mail.*", "yahoo.*"];
const results = {};
for (const file of process.argv.slice(2)) {
  const found = doIUseEmail(readFileSync(file, "utf8"), { emailClients: CLIENTS });
  results[file] = { errors: found.errors ?? [], warnings: found.warnings ?? [] };
}
console.log(JSON.stringify(results));
