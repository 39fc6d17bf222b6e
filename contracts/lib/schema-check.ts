/**
 * Checks a schema itself for `schema.ts`: unsupported keywords or patterns, unresolved `$ref`s, malformed
 * keywords — what `contracts/common/schema.ts` refuses when it compiles a schema. The tests run it on every
 * contract schema, so that `validate` never meets a schema it cannot check.
 */
import { canonical, JsonValue, parseJson, stringify } from "./json";
import { compilePattern } from "./pattern";
import { lookupRef, typeList } from "./schema";

// Keyword sets as delimited strings (static data: no allocation at start-up).
const ANNOTATION_KEYWORDS = ",$schema,$id,$comment,title,description,default,examples,";
// prettier-ignore
const VALIDATION_KEYWORDS = ",$ref,type,properties,required,additionalProperties,oneOf,anyOf,allOf,enum,const,pattern,minLength,maxLength,items,minItems,maxItems,uniqueItems,minimum,maximum,definitions,$defs,";
const JSON_TYPES = ",object,array,string,integer,number,boolean,null,";

/** Whether `word` is one of the comma-delimited words of `set`. */
function inSet(set: string, word: string): bool {
  return word.indexOf(",") < 0 && set.indexOf("," + word + ",") >= 0;
}

function isNonNegativeInteger(v: JsonValue): bool {
  return v.isInteger() && v.fitsU64();
}

function checkNode(root: JsonValue, schema: JsonValue, where: string): string | null {
  if (!schema.isObject) return where + ": a schema must be an object";
  for (let i = 0; i < schema.keys.length; i++) {
    const key = schema.keys[i];
    if (!inSet(ANNOTATION_KEYWORDS, key) && !inSet(VALIDATION_KEYWORDS, key)) return where + ': unsupported keyword "' + key + '"';
  }
  const ref = schema.get("$ref");
  if (ref !== null) {
    for (let i = 0; i < schema.keys.length; i++) {
      const key = schema.keys[i];
      if (key != "$ref" && key != "definitions" && key != "$defs" && !inSet(ANNOTATION_KEYWORDS, key)) {
        return where + ": $ref cannot have sibling keywords";
      }
    }
    if (!ref.isString || lookupRef(root, ref.asString()) === null) return where + ": unresolved $ref " + canonical(ref);
  }
  const type = schema.get("type");
  if (type !== null) {
    if (!type.isString && !type.isArray) return where + ": bad type";
    const types = typeList(type);
    for (let i = 0; i < types.length; i++) if (!inSet(JSON_TYPES, types[i])) return where + ': unknown type "' + types[i] + '"';
  }
  const pat = schema.get("pattern");
  if (pat !== null && (!pat.isString || compilePattern(pat.asString()) === null)) return where + ": unsupported pattern " + stringify(pat);
  const required = schema.get("required");
  if (required !== null) {
    if (!required.isArray) return where + ': "required" must be an array of strings';
    for (let i = 0; i < required.items.length; i++) if (!required.items[i].isString) return where + ': "required" must be an array of strings';
  }
  const enumeration = schema.get("enum");
  if (enumeration !== null && !enumeration.isArray) return where + ': "enum" must be an array';
  const counts = "minLength,maxLength,minItems,maxItems".split(",");
  for (let i = 0; i < counts.length; i++) {
    const c = schema.get(counts[i]);
    if (c !== null && !isNonNegativeInteger(c)) return where + ': "' + counts[i] + '" must be a non-negative integer';
  }
  const bounds = "minimum,maximum".split(",");
  for (let i = 0; i < bounds.length; i++) {
    const b = schema.get(bounds[i]);
    if (b !== null && !b.isNumber) return where + ': "' + bounds[i] + '" must be a number';
  }
  const unique = schema.get("uniqueItems");
  if (unique !== null && !unique.isBool) return where + ': "uniqueItems" must be a boolean';
  const props = schema.get("properties");
  if (props !== null) {
    if (!props.isObject) return where + ': "properties" must be an object';
    for (let i = 0; i < props.keys.length; i++) {
      const p = checkNode(root, props.values[i], where + "/properties/" + props.keys[i]);
      if (p !== null) return p;
    }
  }
  const additional = schema.get("additionalProperties");
  if (additional !== null) {
    if (additional.isObject) {
      const p = checkNode(root, additional, where + "/additionalProperties");
      if (p !== null) return p;
    } else if (!additional.isBool) return where + ': "additionalProperties" must be a boolean or a schema';
  }
  const items = schema.get("items");
  if (items !== null) {
    const p = checkNode(root, items, where + "/items");
    if (p !== null) return p;
  }
  const lists = "oneOf,anyOf,allOf".split(",");
  for (let k = 0; k < lists.length; k++) {
    const list = schema.get(lists[k]);
    if (list === null) continue;
    if (!list.isArray || list.items.length == 0) return where + ': "' + lists[k] + '" must be a non-empty array';
    for (let i = 0; i < list.items.length; i++) {
      const p = checkNode(root, list.items[i], where + "/" + lists[k] + "/" + i.toString());
      if (p !== null) return p;
    }
  }
  const tables = "definitions,$defs".split(",");
  for (let k = 0; k < tables.length; k++) {
    const table = schema.get(tables[k]);
    if (table === null) continue;
    if (!table.isObject) return where + ': "' + tables[k] + '" must be an object';
    for (let i = 0; i < table.keys.length; i++) {
      const p = checkNode(root, table.values[i], where + "/" + tables[k] + "/" + table.keys[i]);
      if (p !== null) return p;
    }
  }
  return null;
}

/**
 * What is wrong with a schema for this validator (unsupported keyword or pattern, unresolved `$ref`, malformed
 * keyword), or null when it can be used. Mirrors the checks `contracts/common/schema.ts` runs at compile time.
 */
export function schemaProblem(schemaJson: string): string | null {
  const schema = parseJson(schemaJson);
  if (schema === null) return "schema is not valid JSON";
  return checkNode(schema, schema, "#");
}
