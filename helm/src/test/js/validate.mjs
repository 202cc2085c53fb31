// Validates Kubernetes objects against the Kubernetes OpenAPI schemas, offline, with the
// validators that kubernetes-models generates from them (types, enums, required fields, formats).
// Those validators let unknown field names through (so does the OpenAPI schema), but the API
// server drops or, with strict field validation, refuses them: a misspelled "readinesProbe" would
// silently vanish. So every built-in object is also walked with the attribute maps of
// @kubernetes/client-node's generated models, and any field they do not know is reported.
// Custom resources (ServiceMonitor) get the schema check only: client-node has no models for them.
// Input on stdin: a multi-document YAML stream (helm template output), or a JSON object mapping
// names to such streams (several renders checked in one Node start). Output on stdout: for a stream,
// a JSON array with an entry per document {index, apiVersion, kind, name, errors: [..]}; for an
// object, an object of such arrays. A document whose apiVersion/kind has no model is reported as an
// error too, so nothing passes unvalidated.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as policy from "kubernetes-models/policy/v1";
import * as rbac from "kubernetes-models/rbac.authorization.k8s.io/v1";
import * as networking from "kubernetes-models/networking.k8s.io/v1";
import * as coordination from "kubernetes-models/coordination.k8s.io/v1";
import * as apiextensions from "kubernetes-models/apiextensions.k8s.io/v1";
import * as monitoring from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import * as clientNode from "@kubernetes/client-node";

const groups = {
  v1: core,
  "apps/v1": apps,
  "policy/v1": policy,
  "rbac.authorization.k8s.io/v1": rbac,
  "networking.k8s.io/v1": networking,
  "coordination.k8s.io/v1": coordination,
  "apiextensions.k8s.io/v1": apiextensions,
  "monitoring.coreos.com/v1": monitoring,
};

// Built-in API groups whose kinds have client-node models named V<version><Kind>.
const builtIn = new Set([
  "v1",
  "apps/v1",
  "policy/v1",
  "rbac.authorization.k8s.io/v1",
  "networking.k8s.io/v1",
  "coordination.k8s.io/v1",
  "apiextensions.k8s.io/v1",
]);

/** Paths of fields that the model of `type` (a client-node type string) does not have. */
function unknownFields(value, type, path, out) {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, array[1], `${path}/${i}`, out));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === "object") Object.entries(value).forEach(([k, v]) => unknownFields(v, map[1], `${path}/${k}`, out));
    return;
  }
  const model = clientNode[type];
  if (typeof model?.getAttributeTypeMap !== "function" || typeof value !== "object" || Array.isArray(value)) return;
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, child] of Object.entries(value)) {
    if (!attributes.has(key)) out.push(`${path}/${key} is not a field of ${type}`);
    else unknownFields(child, attributes.get(key), `${path}/${key}`, out);
  }
}

function validateStream(text) {
  const results = [];
  parseAllDocuments(text).forEach((doc, index) => {
    const errors = doc.errors.map((e) => `yaml: ${e.message}`);
    const object = doc.toJS();
    if (object === null || object === undefined) return; // an empty document (e.g. a skipped template)
    const entry = {
      index,
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata?.name,
      errors,
    };
    const Model = groups[object.apiVersion]?.[object.kind];
    if (!Model) {
      entry.errors.push(`no schema known for ${object.apiVersion} ${object.kind}`);
    } else {
      try {
        new Model(object).validate();
      } catch (e) {
        // ValidationError lists every violation (path + message) in its message.
        entry.errors.push(String(e.message ?? e));
      }
      if (builtIn.has(object.apiVersion)) {
        const version = object.apiVersion.split("/").pop();
        const type = `V${version.slice(1)}${object.kind}`;
        if (typeof clientNode[type]?.getAttributeTypeMap !== "function") {
          entry.errors.push(`no field list known for ${object.apiVersion} ${object.kind}`);
        } else {
          unknownFields(object, type, "data", entry.errors);
        }
      }
    }
    results.push(entry);
  });
  return results;
}

const input = readFileSync(0, "utf8");
let output;
if (input.trimStart().startsWith("{")) {
  output = Object.fromEntries(Object.entries(JSON.parse(input)).map(([name, text]) => [name, validateStream(text)]));
} else {
  output = validateStream(input);
}
process.stdout.write(JSON.stringify(output));
