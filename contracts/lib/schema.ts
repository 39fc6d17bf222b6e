/**
 * JSON Schema validation with the semantics and the exact messages of `contracts/common/schema.ts`
 * (`execute.send.amount: must match ^[0-9]+$`, at most three issues then `(and N more)`), over the keywords the
 * contract schemas use. Schemas are self-contained (`$ref` only to `#/definitions/…` or `#/$defs/…`), passed as
 * their JSON text, parsed once per call and cached. A malformed schema is a bug: it aborts (trap); the build
 * runs `schemaProblem` on every schema first.
 */
import { JsonKind, jsonEqual, JsonValue, parseJsonLazy, quoteJson, stringify } from "./json";
import { compareNumbers, jsonNumberText, NUM_INFINITE, NUM_INTEGER, numberClass } from "./number";
import { compilePattern, Pattern } from "./pattern";

/** How many issues an error message lists before summarising the rest. */
const MAX_ISSUES_IN_MESSAGE: i32 = 3;

/** A path as a linked list from the leaf up: a member name, or an array index when `index >= 0`. */
class Seg {
  constructor(
    public parent: Seg | null,
    public name: string,
    public index: i32,
  ) {}
}

class Issue {
  constructor(
    /** Where the issue is; `pathLength` steps from the root. */
    public path: Seg | null,
    public pathLength: i32,
    public message: string,
    /** Nesting depth at which the failing check ran (used to pick the closest alternative). */
    public depth: i32,
    /** For type mismatches: the expected types. */
    public expectedTypes: string[] | null = null,
    /** For a member that is not allowed: the `properties` it was checked against (the text is built when shown). */
    public allowedIn: JsonValue | null = null,
  ) {}

  /** The message as shown. */
  text(): string {
    const props = this.allowedIn;
    if (props === null) return this.message;
    const allowed = props.keys;
    return this.message + (allowed.length > 0 ? " (expected " + joinStrings(allowed, ", ") + ")" : " (expected no fields)");
  }
}

/** The JSON type name of a value (`integer` for whole numbers, `invalid` for a number that overflows). */
export function jsonTypeOf(v: JsonValue): string {
  switch (v.kind) {
    case JsonKind.Null:
      return "null";
    case JsonKind.Bool:
      return "boolean";
    case JsonKind.String:
      return "string";
    case JsonKind.Array:
      return "array";
    case JsonKind.Object:
      return "object";
    default: {
      const c = numberClass(v.numText);
      return c == NUM_INTEGER ? "integer" : c == NUM_INFINITE ? "invalid" : "number";
    }
  }
}

function matchesType(actual: string, type: string): bool {
  if (type == "number") return actual == "number" || actual == "integer";
  return actual == type;
}

function isIdentifier(s: string): bool {
  if (s.length == 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f || c == 0x24;
    if (!letter && !(i > 0 && c >= 0x30 && c <= 0x39)) return false;
  }
  return true;
}

/** Renders the steps of `path` below its first `skip` steps after `root`: `root.a.b[0]["odd key"]`. */
function formatPath(root: string, path: Seg | null, pathLength: i32, skip: i32): string {
  const steps = new Array<Seg>(pathLength);
  let cur = path;
  for (let i = pathLength - 1; i >= 0; i--) {
    const seg = cur as Seg;
    steps[i] = seg;
    cur = seg.parent;
  }
  let out = root;
  for (let i = skip; i < pathLength; i++) {
    const seg = steps[i];
    if (seg.index >= 0) out += "[" + seg.index.toString() + "]";
    else if (isIdentifier(seg.name)) out += out.length == 0 ? seg.name : "." + seg.name;
    else out += "[" + quoteJson(seg.name) + "]";
  }
  return out;
}

function formatIssues(root: string, issues: Issue[]): string {
  let out = "";
  const shown = issues.length < MAX_ISSUES_IN_MESSAGE ? issues.length : MAX_ISSUES_IN_MESSAGE;
  for (let i = 0; i < shown; i++) {
    if (i > 0) out += "; ";
    const issue = issues[i];
    out += formatPath(root, issue.path, issue.pathLength, 0) + ": " + issue.text();
  }
  const rest = issues.length - shown;
  if (rest > 0) out += " (and " + rest.toString() + " more)";
  return out;
}

/** The value of a non-negative integer keyword (`minLength`, …). */
function keywordInt(v: JsonValue): i64 {
  return v.asI64();
}

/** Number of code points (as `[...s].length`: a lone surrogate counts as one). */
function codePointLength(s: string): i32 {
  let n = s.length;
  for (let i = 0; i + 1 < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** The type names of a `type` keyword (a string or an array of strings). */
export function typeList(t: JsonValue): string[] {
  const out = new Array<string>(0);
  if (t.isArray) {
    const items = t.items;
    for (let i = 0; i < items.length; i++) out.push(items[i].asString());
  } else out.push(t.asString());
  return out;
}

function typeMatches(t: JsonValue, actual: string): bool {
  if (!t.isArray) return matchesType(actual, t.asString());
  const items = t.items;
  for (let i = 0; i < items.length; i++) if (matchesType(actual, items[i].asString())) return true;
  return false;
}

function joinStrings(list: string[], sep: string): string {
  let out = "";
  for (let i = 0; i < list.length; i++) {
    if (i > 0) out += sep;
    out += list[i];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Caches (one call = one instance: they live for one call)
// ---------------------------------------------------------------------------------------------------------------

let schemaTexts: string[] | null = null;
let schemaValues: JsonValue[] | null = null;
let patternCache: Map<string, Pattern> | null = null;

function parsedSchema(schemaJson: string): JsonValue {
  let texts = schemaTexts;
  let values = schemaValues;
  if (texts === null || values === null) {
    texts = [];
    values = [];
    schemaTexts = texts;
    schemaValues = values;
  }
  for (let i = 0; i < texts.length; i++) if (texts[i] == schemaJson) return values[i];
  // Lazily: a call only expands the parts of the schema its message reaches.
  const v = parseJsonLazy(schemaJson);
  texts.push(schemaJson);
  values.push(v);
  return v;
}

function pattern(source: string): Pattern {
  let cache = patternCache;
  if (cache === null) {
    cache = new Map<string, Pattern>();
    patternCache = cache;
  }
  if (cache.has(source)) return cache.get(source);
  const p = compilePattern(source);
  if (p === null) {
    abort("unsupported pattern " + source);
    unreachable();
  }
  cache.set(source, p as Pattern);
  return p as Pattern;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------------

class Validator {
  constructor(public root: JsonValue) {}

  resolveRef(ref: string): JsonValue {
    const target = lookupRef(this.root, ref);
    if (target === null) abort("unresolved $ref " + ref);
    return target as JsonValue;
  }

  /** Appends the issues of `value` against `schema` at `path` (`depth` steps) to `out`. */
  validateAt(schema: JsonValue, value: JsonValue, path: Seg | null, depth: i32, out: Issue[]): void {
    const ref = schema.get("$ref");
    if (ref !== null) {
      this.validateAt(this.resolveRef(ref.asString()), value, path, depth, out);
      return;
    }
    const actual = jsonTypeOf(value);
    if (actual == "invalid") {
      out.push(new Issue(path, depth, "must be a JSON value", depth));
      return;
    }

    const type = schema.get("type");
    if (type !== null && !typeMatches(type, actual)) {
      const types = typeList(type);
      out.push(new Issue(path, depth, "must be " + joinStrings(types, " or ") + " (got " + actual + ")", depth, types));
      return;
    }
    const constant = schema.get("const");
    if (constant !== null && !jsonEqual(value, constant)) out.push(new Issue(path, depth, "must be " + stringify(constant), depth));
    const enumeration = schema.get("enum");
    if (enumeration !== null) {
      const options = enumeration.items;
      let found = false;
      for (let i = 0; i < options.length && !found; i++) if (jsonEqual(value, options[i])) found = true;
      if (!found) {
        let listed = "";
        for (let i = 0; i < options.length; i++) listed += (i > 0 ? ", " : "") + stringify(options[i]);
        out.push(new Issue(path, depth, "must be one of " + listed, depth));
      }
    }

    if (value.isString) this.checkString(schema, value.asString(), path, depth, out);

    if (value.isNumber) {
      const minimum = schema.get("minimum");
      if (minimum !== null && compareNumbers(value.numText, minimum.numText) < 0) {
        out.push(new Issue(path, depth, "must be >= " + jsonNumberText(minimum.numText), depth));
      }
      const maximum = schema.get("maximum");
      if (maximum !== null && compareNumbers(value.numText, maximum.numText) > 0) {
        out.push(new Issue(path, depth, "must be <= " + jsonNumberText(maximum.numText), depth));
      }
    }

    if (value.isArray) this.checkArray(schema, value.items, path, depth, out);
    if (value.isObject) this.checkObject(schema, value, path, depth, out);

    const allOf = schema.get("allOf");
    if (allOf !== null) {
      const subs = allOf.items;
      for (let i = 0; i < subs.length; i++) this.validateAt(subs[i], value, path, depth, out);
    }
    const anyOf = schema.get("anyOf");
    if (anyOf !== null) this.alternatives(anyOf.items, value, path, depth, false, out);
    const oneOf = schema.get("oneOf");
    if (oneOf !== null) this.alternatives(oneOf.items, value, path, depth, true, out);
  }

  checkString(schema: JsonValue, s: string, path: Seg | null, depth: i32, out: Issue[]): void {
    const minLength = schema.get("minLength");
    const maxLength = schema.get("maxLength");
    if (minLength !== null || maxLength !== null) {
      const length = <i64>codePointLength(s);
      if (minLength !== null && length < keywordInt(minLength)) {
        const message = keywordInt(minLength) == 1 ? "must not be empty" : "must be at least " + jsonNumberText(minLength.numText) + " characters long";
        out.push(new Issue(path, depth, message, depth));
      }
      if (maxLength !== null && length > keywordInt(maxLength)) {
        out.push(new Issue(path, depth, "must be at most " + jsonNumberText(maxLength.numText) + " characters long", depth));
      }
    }
    const pat = schema.get("pattern");
    if (pat !== null && !pattern(pat.asString()).test(s)) out.push(new Issue(path, depth, "must match " + pat.asString(), depth));
  }

  checkArray(schema: JsonValue, items: JsonValue[], path: Seg | null, depth: i32, out: Issue[]): void {
    const minItems = schema.get("minItems");
    if (minItems !== null && <i64>items.length < keywordInt(minItems)) {
      const n = keywordInt(minItems);
      out.push(new Issue(path, depth, "must have at least " + jsonNumberText(minItems.numText) + " item" + (n == 1 ? "" : "s"), depth));
    }
    const maxItems = schema.get("maxItems");
    if (maxItems !== null && <i64>items.length > keywordInt(maxItems)) {
      const n = keywordInt(maxItems);
      out.push(new Issue(path, depth, "must have at most " + jsonNumberText(maxItems.numText) + " item" + (n == 1 ? "" : "s"), depth));
    }
    const unique = schema.get("uniqueItems");
    if (unique !== null && unique.isBool && unique.asBool()) {
      let dup = -1;
      for (let i = 1; i < items.length && dup < 0; i++) {
        for (let j = 0; j < i; j++) {
          if (jsonEqual(items[i], items[j])) {
            dup = i;
            break;
          }
        }
      }
      if (dup >= 0) out.push(new Issue(new Seg(path, "", dup), depth + 1, "duplicates an earlier item", depth));
    }
    const itemSchema = schema.get("items");
    if (itemSchema !== null) {
      for (let i = 0; i < items.length; i++) this.validateAt(itemSchema, items[i], new Seg(path, "", i), depth + 1, out);
    }
  }

  checkObject(schema: JsonValue, value: JsonValue, path: Seg | null, depth: i32, out: Issue[]): void {
    const required = schema.get("required");
    if (required !== null) {
      const names = required.items;
      for (let i = 0; i < names.length; i++) {
        const name = names[i].asString();
        if (!value.has(name)) out.push(new Issue(new Seg(path, name, -1), depth + 1, "is required", depth));
      }
    }
    const props = schema.get("properties");
    const additional = schema.get("additionalProperties");
    const keys = value.keys;
    const values = value.values;
    for (let i = 0; i < keys.length; i++) {
      const name = keys[i];
      const sub = props !== null ? props.get(name) : null;
      if (sub !== null) {
        this.validateAt(sub, values[i], new Seg(path, name, -1), depth + 1, out);
      } else if (additional !== null && additional.isBool && !additional.asBool()) {
        const allowedIn = props !== null ? props : JsonValue.object();
        out.push(new Issue(new Seg(path, name, -1), depth + 1, "is not allowed", depth, null, allowedIn));
      } else if (additional !== null && additional.isObject) {
        this.validateAt(additional, values[i], new Seg(path, name, -1), depth + 1, out);
      }
    }
  }

  /** `anyOf` / `oneOf`: the alternative that got furthest, or one summary line when none got past this level. */
  alternatives(branches: JsonValue[], value: JsonValue, path: Seg | null, depth: i32, exactlyOne: bool, out: Issue[]): void {
    const results = new Array<Issue[]>(branches.length);
    let passing = 0;
    for (let i = 0; i < branches.length; i++) {
      const r = new Array<Issue>(0);
      this.validateAt(branches[i], value, path, depth, r);
      if (r.length == 0) passing++;
      results[i] = r;
    }
    if (passing > 0) {
      if (exactlyOne && passing > 1) {
        out.push(new Issue(path, depth, "matches " + passing.toString() + " alternatives but must match exactly one", depth));
      }
      return;
    }
    let best = i32.MIN_VALUE;
    for (let i = 0; i < results.length; i++) {
      const r = reach(results[i]);
      if (r > best) best = r;
    }
    if (best > depth) {
      // An alternative matched at this level and failed deeper inside: that is the one the caller meant.
      let chosen: Issue[] | null = null;
      for (let i = 0; i < results.length; i++) {
        const r = results[i];
        if (reach(r) != best) continue;
        if (chosen === null || r.length < chosen.length) chosen = r;
      }
      const c = chosen as Issue[];
      for (let i = 0; i < c.length; i++) out.push(c[i]);
      return;
    }
    const variants = this.variantNames(branches);
    if (variants !== null && value.isObject) {
      const keys = value.keys;
      let message: string;
      if (keys.length == 1) message = 'unknown variant "' + keys[0] + '", expected one of ' + joinStrings(variants, ", ");
      else {
        message = "must have exactly one of " + joinStrings(variants, ", ");
        message += keys.length > 0 ? " (got " + joinStrings(keys, ", ") + ")" : " (got an empty object)";
      }
      out.push(new Issue(path, depth, message, depth));
      return;
    }
    let allTypeErrors = true;
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      if (!(r.length == 1 && r[0].expectedTypes !== null && r[0].pathLength == depth)) allTypeErrors = false;
    }
    if (allTypeErrors) {
      const expected = new Array<string>(0);
      for (let i = 0; i < results.length; i++) {
        const types = results[i][0].expectedTypes as string[];
        for (let j = 0; j < types.length; j++) if (!expected.includes(types[j])) expected.push(types[j]);
      }
      out.push(new Issue(path, depth, "must be " + joinStrings(expected, " or ") + " (got " + jsonTypeOf(value) + ")", depth, expected));
      return;
    }
    let message = "must match one of the allowed forms: ";
    for (let i = 0; i < results.length; i++) {
      if (i > 0) message += "; ";
      message += "(" + (i + 1).toString() + ") ";
      const r = results[i];
      for (let j = 0; j < r.length; j++) {
        if (j > 0) message += ", ";
        const issue = r[j];
        message += issue.pathLength > depth ? formatPath("", issue.path, issue.pathLength, depth) + ": " + issue.text() : issue.text();
      }
    }
    out.push(new Issue(path, depth, message, depth));
  }

  /** For externally tagged enums (each alternative an object with exactly one required field): the field names. */
  variantNames(branches: JsonValue[]): string[] | null {
    const names = new Array<string>(0);
    for (let i = 0; i < branches.length; i++) {
      let s = branches[i];
      const ref = s.get("$ref");
      if (ref !== null) s = this.resolveRef(ref.asString());
      const required = s.get("required");
      const props = s.get("properties");
      if (required === null || required.length != 1 || props === null) return null;
      const name = (required.at(0) as JsonValue).asString();
      if (!props.has(name)) return null;
      names.push(name);
    }
    return names;
  }
}

/** The target of a local `$ref` (`#/definitions/X`, `#/$defs/X`) in `root`, or null when it cannot be resolved. */
export function lookupRef(root: JsonValue, ref: string): JsonValue | null {
  let table: JsonValue | null = null;
  let name = "";
  if (ref.startsWith("#/definitions/")) {
    table = root.get("definitions");
    name = ref.substring(14);
  } else if (ref.startsWith("#/$defs/")) {
    table = root.get("$defs");
    name = ref.substring(8);
  }
  if (table === null || !table.isObject) return null;
  return table.get(name);
}

/** Smallest depth among the issues (how far the alternative got before failing). */
function reach(issues: Issue[]): i32 {
  let m = i32.MAX_VALUE;
  for (let i = 0; i < issues.length; i++) if (issues[i].depth < m) m = issues[i].depth;
  return m;
}

/**
 * Validates `value` against the schema (its JSON text); null when valid, else the message `contracts/common/
 * schema.ts` gives, with paths starting at `root` (`instantiate`, `execute`, `query`, `receive.msg`).
 */
export function validate(schemaJson: string, root: string, value: JsonValue): string | null {
  const schema = parsedSchema(schemaJson);
  const issues = new Array<Issue>(0);
  new Validator(schema).validateAt(schema, value, null, 0, issues);
  return issues.length == 0 ? null : formatIssues(root, issues);
}
