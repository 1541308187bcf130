// Search for wijknieuws: the one page that needs JavaScript. It folds and stems the query
// exactly as the build folds and stems the articles (wijknieuws/words.py: Dutch Snowball,
// "Porter" variant), fetches only the index buckets of its words, ranks by relevance, and
// fetches the text of only the results on screen, to show each with its words marked.
"use strict";

var STOPWORDS = new Set(("aan al als bij dan dat de der des die dit door een en er had heb hebben heeft het " +
  "hij hoe hun ik in is je kan kunnen maar met na naar niet nog nu of om omdat ook op over te tot uit van " +
  "veel voor was wat we wel werd wie wij wil worden wordt zal ze zich zij zijn zo zou").split(" "));

function fold(text) {
  return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
}

// ------------------------------------------------------------------ Dutch Snowball stemmer
var VOWELS = "aeiouy\u00e8";
function isVowel(c) { return c !== undefined && c !== "" && VOWELS.indexOf(c) >= 0; }

function prelude(word) {
  // i between vowels and y after a vowel are consonants (I, Y) for the rest of the algorithm
  var w = word.split("");
  if (w[0] === "y") w[0] = "Y";
  var i = 0;
  for (;;) {
    while (i < w.length && !isVowel(w[i])) i++;
    if (i >= w.length) return w.join("");
    i++;
    if (w[i] === "i") {
      if (isVowel(w[i + 1])) w[i] = "I";
      i++;
    } else if (w[i] === "y") {
      w[i] = "Y";
      i++;
    }
  }
}

function pastVowelConsonant(s, from) {
  var i = from;
  while (i < s.length && !isVowel(s[i])) i++;
  if (i >= s.length) return -1;
  i++;
  while (i < s.length && isVowel(s[i])) i++;
  return i >= s.length ? -1 : i + 1;
}

function stem(word) {
  var s = prelude(word);
  var p1 = s.length, p2 = s.length;
  if (s.length >= 3) {
    var r1 = pastVowelConsonant(s, 0);
    if (r1 >= 0) {
      p1 = Math.max(r1, 3);
      var r2 = pastVowelConsonant(s, r1);
      if (r2 >= 0) p2 = r2;
    }
  }
  var eFound = false;
  var ends = function (suffix) { return s.length >= suffix.length && s.slice(-suffix.length) === suffix; };
  var cut = function (n) { s = s.slice(0, s.length - n); };
  var undouble = function () { if (ends("kk") || ends("dd") || ends("tt")) cut(1); };
  var enEnding = function (n) {
    var k = s.length - n;
    if (k >= p1 && k > 0 && !isVowel(s[k - 1]) && s.slice(Math.max(0, k - 3), k) !== "gem") { cut(n); undouble(); }
  };
  var longest = function (suffixes) {
    var best = "";
    suffixes.forEach(function (x) { if (ends(x) && x.length > best.length) best = x; });
    return best;
  };

  var m = longest(["heden", "en", "ene", "s", "se"]);
  if (m === "heden") {
    if (s.length - 5 >= p1) s = s.slice(0, -5) + "heid";
  } else if (m === "en" || m === "ene") {
    enEnding(m.length);
  } else if (m) {
    var k = s.length - m.length;
    if (k >= p1 && k > 0 && !isVowel(s[k - 1]) && s[k - 1] !== "j") cut(m.length);
  }
  var eEnding = function () {
    eFound = false;
    var k = s.length - 1;
    if (ends("e") && k >= p1 && k > 0 && !isVowel(s[k - 1])) { cut(1); eFound = true; undouble(); }
  };
  eEnding();
  if (ends("heid") && s.length - 4 >= p2 && s[s.length - 5] !== "c") {
    cut(4);
    if (ends("en")) enEnding(2);
  }
  m = longest(["end", "ing", "ig", "lijk", "baar", "bar"]);
  var at = s.length - m.length;
  if ((m === "end" || m === "ing") && at >= p2) {
    cut(3);
    if (ends("ig") && s.length - 2 >= p2 && s[s.length - 3] !== "e") cut(2); else undouble();
  } else if (m === "ig" && at >= p2 && s[at - 1] !== "e") {
    cut(2);
  } else if (m === "lijk" && at >= p2) {
    cut(4);
    eEnding();
  } else if (m === "baar" && at >= p2) {
    cut(4);
  } else if (m === "bar" && at >= p2 && eFound) {
    cut(3);
  }
  var n = s.length, last = s[n - 1];
  if (n >= 4 && !isVowel(last) && last !== "I" && /^(aa|ee|oo|uu)$/.test(s.slice(n - 3, n - 1)) && !isVowel(s[n - 4])) {
    s = s.slice(0, n - 2) + last;
  }
  s = s.replace(/Y/g, "y").replace(/I/g, "i");
  // then, as words.py: a doubled final consonant is one, a final z or v is an s or f
  if (s.length >= 3) {
    if (/([b-df-hj-np-tv-xz])\1$/.test(s)) s = s.slice(0, -1);
    if (s[s.length - 1] === "z") s = s.slice(0, -1) + "s";
    else if (s[s.length - 1] === "v") s = s.slice(0, -1) + "f";
  }
  return s;
}

function bucketOf(term, buckets) {  // FNV-1a, as in search.py
  var h = 0x811c9dc5;
  for (var i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % buckets;
}

// ------------------------------------------------------------------ ranking (no page needed: the tests run it in node)
// BM25F: the build stored each word form's weight in each article (wijknieuws/words.py); here
// each word of the query adds idf * tf * (K1 + 1) / (tf + K1), where tf is the weight of all
// forms of its stem, the form the reader typed counting EXACT times more. idf is at least
// MIN_IDF: a word in nearly every article tells little, but a title that has it should still
// beat a text that mentions it in passing. Articles that have more of the query's words come
// first, then the higher score; the date only breaks ties (newest first; no boost for recency).
var K1 = 1.2, EXACT = 0.5, SCALE = 4, MIN_IDF = 0.2;
var FEW = 3;  // a word found in fewer articles than this may be a typo: the page looks for what was meant

function queryWords(text) {  // [{word, term}] once per stem, in the order typed
  var seen = new Set(), out = [];
  (fold(text).match(/[a-z0-9]+/g) || []).forEach(function (w) {
    if (STOPWORDS.has(w)) return;
    var t = stem(w);
    if (!seen.has(t)) { seen.add(t); out.push({ word: w, term: t }); }
  });
  return out;
}

// Optimal string alignment distance (an adjacent swap is one edit), given up above `most`.
function distance(a, b, most) {
  if (Math.abs(a.length - b.length) > most) return most + 1;
  var rows = [[]];
  for (var j = 0; j <= b.length; j++) rows[0].push(j);
  for (var i = 1; i <= a.length; i++) {
    rows.push([i]);
    var low = i;
    for (j = 1; j <= b.length; j++) {
      var cost = a[i - 1] === b[j - 1] ? 0 : 1;
      var d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i].push(d);
      if (d < low) low = d;
    }
    if (low > most) return most + 1;
  }
  return rows[a.length][b.length];
}

// load(path) gives a promise of the parsed JSON file under zoeken/index/.
function Searcher(load) {
  var self = this;
  this.meta = load("meta.json");
  this.fragment = function (id) { return load("f/" + id + ".json"); };

  // {words: [{word, term, count}], ids: [...], matched: {id: words}} for text, within
  // filter {wijk: slug, type: key} (either may be empty)
  this.rank = function (text, filter) {
    var words = queryWords(text);
    return self.meta.then(function (meta) {
      var needs = words.map(function (w) { return load("t/" + bucketOf(w.term, meta.buckets) + ".json"); });
      var wijk = filter && filter.wijk ? meta.wijken.map(function (x) { return x[0]; }).indexOf(filter.wijk) : -1;
      var type = filter && filter.type ? meta.types.map(function (x) { return x[0]; }).indexOf(filter.type) : -1;
      var filtering = (filter && filter.wijk) || (filter && filter.type);
      needs.push(filtering ? load("filters.json") : Promise.resolve(null));
      return Promise.all(needs).then(function (files) {
        var filters = files.pop(), score = {}, matched = {};
        words.forEach(function (w, i) {
          var forms = files[i][w.term] || {}, tf = {};
          Object.keys(forms).forEach(function (form) {
            var flat = forms[form], id = 0, exact = form === w.word ? 1 + EXACT : 1;
            for (var k = 0; k < flat.length; k += 2) {
              id += flat[k];
              tf[id] = (tf[id] || 0) + exact * flat[k + 1] / SCALE;
            }
          });
          var ids = Object.keys(tf);
          w.count = ids.length;
          var idf = Math.max(MIN_IDF, Math.log(1 + (meta.count - ids.length + 0.5) / (ids.length + 0.5)));
          ids.forEach(function (id) {
            score[id] = (score[id] || 0) + idf * tf[id] * (K1 + 1) / (tf[id] + K1);
            matched[id] = (matched[id] || 0) + 1;
          });
        });
        var ids = Object.keys(score).map(Number).filter(function (id) {
          if (!filters) return true;
          var f = filters[id];
          return (wijk < 0 || f[0].indexOf(wijk) >= 0) && (type < 0 || f[1] === type);
        });
        ids.sort(function (a, b) { return (matched[b] - matched[a]) || (score[b] - score[a]) || (b - a); });
        return { words: words, ids: ids, matched: matched };
      });
    });
  };

  // The site's own word within one edit (two for words of six letters or more) of a word that
  // found nothing, or was found `found` times while the other is at least ten times as common
  // (a typo in the content itself); the nearest, then the most frequent.
  this.suggest = function (word, found) {
    if (word.length < 4 || /^[0-9]+$/.test(word)) return Promise.resolve(null);
    var most = word.length >= 6 ? 2 : 1;
    return self.meta.then(function (meta) {
      var lengths = [];
      for (var n = Math.max(1, word.length - most); n <= Math.min(meta.longest, word.length + most); n++) lengths.push(n);
      return Promise.all(lengths.map(function (n) { return load("v/" + n + ".json"); })).then(function (files) {
        var best = null;
        files.forEach(function (list) {
          list.forEach(function (entry) {
            if (entry[1] < Math.max(1, found * 10) || stem(entry[0]) === stem(word)) return;
            var d = distance(word, entry[0], most);
            if (d <= most && (!best || d < best.d || (d === best.d && entry[1] > best.count))) {
              best = { word: entry[0], count: entry[1], d: d };
            }
          });
        });
        return best && best.word;
      });
    });
  };

  // The whole query with each word that found (almost) nothing replaced by what it may have
  // meant, or null when there is nothing to offer.
  this.suggestion = function (text, result) {
    var doubtful = result.words.filter(function (w) { return w.count < FEW; });
    return Promise.all(doubtful.map(function (w) { return self.suggest(w.word, w.count); })).then(function (better) {
      var out = text;
      better.forEach(function (word, i) { if (word) out = replaceWord(out, doubtful[i].word, word); });
      return out === text ? null : out;
    });
  };
}

function replaceWord(text, word, by) {  // the typed word, in whatever case or accents
  var done = false;
  return text.split(/(\s+)/).map(function (piece) {
    if (done || fold(piece).replace(/[^a-z0-9]/g, "") !== word) return piece;
    done = true;
    return by;
  }).join("");
}

// The passage of text around its best hit: [[text, marked], ...], or null when no word of it
// is a query term (terms: a Set of stems). The best hit is the window of `size` words with the
// most different query words, then the most hits.
function marked(text, terms, size) {
  var tokens = [], re = /[\p{L}\p{N}]+/gu, m;
  while ((m = re.exec(text))) {
    var hit = (fold(m[0]).match(/[a-z0-9]+/g) || []).some(function (w) { return !STOPWORDS.has(w) && terms.has(stem(w)); });
    tokens.push({ start: m.index, end: m.index + m[0].length, hit: hit, term: hit ? stem(fold(m[0])) : null });
  }
  if (!tokens.some(function (t) { return t.hit; })) return null;
  size = size || tokens.length;
  var best = null;
  for (var i = 0; i < tokens.length; i++) {
    if (!tokens[i].hit) continue;
    var from = Math.max(0, Math.min(i - Math.floor(size / 4), tokens.length - size)), kinds = new Set(), hits = 0;
    for (var k = from; k < Math.min(tokens.length, from + size); k++) if (tokens[k].hit) { kinds.add(tokens[k].term); hits++; }
    if (!best || kinds.size > best.kinds || (kinds.size === best.kinds && hits > best.hits)) best = { from: from, kinds: kinds.size, hits: hits };
  }
  var last = Math.min(tokens.length, best.from + size) - 1;
  var start = best.from === 0 ? 0 : tokens[best.from].start, end = last === tokens.length - 1 ? text.length : tokens[last].end;
  var parts = [], at = start;
  if (start > 0) parts.push(["\u2026 ", false]);
  for (k = best.from; k <= last; k++) {
    if (!tokens[k].hit) continue;
    if (tokens[k].start > at) parts.push([text.slice(at, tokens[k].start), false]);
    parts.push([text.slice(tokens[k].start, tokens[k].end), true]);
    at = tokens[k].end;
  }
  if (end > at) parts.push([text.slice(at, end), false]);
  if (end < text.length) parts.push([" \u2026", false]);
  return { parts: parts, kinds: best.kinds, hits: best.hits };
}

// The excerpt of a fragment [title, path, date, wijken, type, summary, caption, body]: the best
// passage of its summary, caption or body; the summary unmarked when only its names matched.
var EXCERPT_WORDS = 32;
function excerpt(fragment, terms) {
  var best = null;
  [fragment[5], fragment[7], fragment[6]].forEach(function (text) {
    var found = text ? marked(text, terms, EXCERPT_WORDS) : null;
    if (found && (!best || found.kinds > best.kinds || (found.kinds === best.kinds && found.hits > best.hits))) best = found;
  });
  return best ? best.parts : [[fragment[5], false]];
}

if (typeof module !== "undefined") {
  module.exports = { fold: fold, stem: stem, bucketOf: bucketOf, queryWords: queryWords,
    distance: distance, Searcher: Searcher, marked: marked, excerpt: excerpt };
}

// ------------------------------------------------------------------ the search page
if (typeof document !== "undefined") document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("zoeken");
  if (!form) return;
  var base = form.dataset.index, root = form.dataset.root;
  var input = document.getElementById("zoekterm"), wijk = document.getElementById("zoek-wijk");
  var soort = document.getElementById("zoek-soort"), status = document.getElementById("zoek-status");
  var list = document.getElementById("zoek-resultaten"), more = document.getElementById("zoek-meer");
  var PAGE = 10;
  var files = {};
  var searcher = new Searcher(function (path) {
    if (!files[path]) files[path] = fetch(base + path).then(function (r) {
      if (!r.ok) throw new Error(path);
      return r.json();
    });
    return files[path];
  });
  var hits = [], terms = new Set(), shown = 0, run = 0;

  function option(select, value, label) {
    var o = document.createElement("option");
    o.value = value; o.textContent = label;
    select.appendChild(o);
  }
  function write(element, parts) {  // text, with the query's words in <mark>; never as HTML
    parts.forEach(function (part) {
      if (!part[1]) { element.appendChild(document.createTextNode(part[0])); return; }
      var mark = document.createElement("mark");
      mark.textContent = part[0];
      element.appendChild(mark);
    });
  }

  // The address holds the search (zoeken/?q=...&wijk=SLUG&type=TYPE): a link or the back
  // button brings the same results. Older links numbered the wijk and the type (soort).
  function fromAddress(meta) {
    var params = new URLSearchParams(window.location.search);
    var w = params.get("wijk") || "", t = params.get("type") || "";
    if (/^[0-9]+$/.test(w) && meta.wijken[w]) w = meta.wijken[w][0];
    if (!t && /^[0-9]+$/.test(params.get("soort") || "") && meta.types[params.get("soort")]) t = meta.types[params.get("soort")][0];
    input.value = params.get("q") || "";
    wijk.value = w;
    soort.value = t;
  }
  function address() {
    var params = new URLSearchParams();
    if (input.value) params.set("q", input.value);
    if (wijk.value) params.set("wijk", wijk.value);
    if (soort.value) params.set("type", soort.value);
    return "?" + params.toString();
  }

  var ready = searcher.meta.then(function (meta) {
    meta.wijken.forEach(function (w) { option(wijk, w[0], w[1]); });
    meta.types.forEach(function (t) { option(soort, t[0], t[1]); });
    // only what the address asks for: never wipe what the reader typed while the index loaded
    if (window.location.search) fromAddress(meta);
    return meta;
  });

  function search() {
    var mine = ++run, text = input.value.trim();
    ready.then(function () {
      return searcher.rank(text, { wijk: wijk.value, type: soort.value });
    }).then(function (result) {
      if (mine !== run) return null;
      return Promise.all([result, searcher.suggestion(text, result)]);
    }).then(function (done) {
      if (!done || mine !== run) return;
      var result = done[0], better = done[1];
      hits = result.ids; shown = 0; list.innerHTML = "";
      terms = new Set(result.words.map(function (w) { return w.term; }));
      // announced only once the results are on the page, so a screen reader can go to them
      return next(mine).then(function () {
        if (mine !== run) return;
        announce(text, hits.length, better);
      });
    }).catch(function () {
      if (mine === run) status.textContent = "Zoeken lukt nu niet. Probeer het later opnieuw.";
    });
  }

  function announce(text, count, suggestion) {
    status.textContent = !text ? "" : count === 0 ? "Geen resultaten voor \u2018" + text + "\u2019."
      : count.toLocaleString("nl-NL") + (count === 1 ? " resultaat" : " resultaten") + " voor \u2018" + text + "\u2019.";
    if (!suggestion) return;
    var params = new URLSearchParams(address().slice(1));
    params.set("q", suggestion);
    var link = document.createElement("a"), em = document.createElement("em");
    link.href = "?" + params.toString();
    link.className = "zoeken__suggestie";
    em.textContent = suggestion;
    link.appendChild(em);
    status.appendChild(document.createTextNode(" Bedoelde u: "));
    status.appendChild(link);
    status.appendChild(document.createTextNode("?"));
    link.addEventListener("click", function (e) {
      e.preventDefault();
      input.value = suggestion;
      history.pushState(null, "", address());
      input.focus();  // the link is about to go: the reader carries on where the query is
      search();
    });
  }

  function next(mine) {  // the next screen of results of search number `mine`, unless another began
    var page = hits.slice(shown, shown + PAGE), first = shown;
    shown += page.length;
    more.hidden = shown >= hits.length;
    return Promise.all(page.map(searcher.fragment)).then(function (fragments) {
      if (mine !== run) return first;
      fragments.forEach(function (d) {
        var li = document.createElement("li"), card = document.createElement("article");
        card.className = "card";
        var h = document.createElement("h2"), a = document.createElement("a");
        h.className = "card__title"; a.href = root + d[1];
        var title = marked(d[0], terms);
        write(a, title ? title.parts : [[d[0], false]]);
        h.appendChild(a);
        var meta = document.createElement("p");
        meta.className = "zoeken__meta"; meta.textContent = [d[2], d[3], d[4]].join(" \u00b7 ");
        var passage = document.createElement("p");
        passage.className = "card__summary";
        write(passage, excerpt(d, terms));
        card.appendChild(h); card.appendChild(meta); card.appendChild(passage);
        li.appendChild(card); list.appendChild(li);
      });
      return first;
    });
  }

  var timer = null;
  function later() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      history.replaceState(null, "", address());
      search();
    }, 200);
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); later(); });
  input.addEventListener("input", later);
  wijk.addEventListener("change", later);
  soort.addEventListener("change", later);
  more.addEventListener("click", function () {
    next(run).then(function (first) {  // to the first new result, so a keyboard goes on from there
      var link = list.querySelectorAll("li")[first];
      if (link) link.querySelector("a").focus();
    });
  });
  window.addEventListener("popstate", function () { ready.then(fromAddress).then(search); });
  ready.then(search);
});
