// Runs queries against a built wijknieuws search index with the search page's own code
// (templates/static/search.js), from disk: node bench/search_ours.js SITE < queries.json
// Input: a JSON list of queries. Output: a JSON list, per query, of the first ten results'
// paths, the page's suggestion ("Bedoelde u"), if any, and the first ten results of that.
"use strict";
const fs = require("fs");
const path = require("path");
const search = require(path.join(__dirname, "..", "templates", "static", "search.js"));

const index = path.join(process.argv[2], "zoeken", "index");
const searcher = new search.Searcher((file) => Promise.resolve(JSON.parse(fs.readFileSync(path.join(index, file), "utf8"))));

async function first(text) {
  const result = await searcher.rank(text, {});
  const paths = await Promise.all(result.ids.slice(0, 10).map(async (id) => (await searcher.fragment(id))[1]));
  return { result, paths };
}

async function main() {
  const queries = JSON.parse(fs.readFileSync(0, "utf8"));
  const out = [];
  for (const query of queries) {
    const { result, paths } = await first(query);
    const suggestion = await searcher.suggestion(query, result);
    out.push({ query, paths, suggestion, suggested: suggestion ? (await first(suggestion)).paths : [] });
  }
  process.stdout.write(JSON.stringify(out));
}
main();
