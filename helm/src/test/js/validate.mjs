// Validates Kubernetes objects against the Kubernetes OpenAPI schemas, offline, with the
// validators that kubernetes-models generates from them (types, enums, required fields, formats).
// Input on stdin: a multi-document YAML stream (helm template output). Output on stdout: one JSON
// array with an entry per document {index, apiVersion, kind, name, errors: [..]}; a document whose
// apiVersion/kind has no model is reported as an error too, so nothing passes unvalidated.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as policy from "kubernetes-models/policy/v1";
import * as rbac from "kubernetes-models/rbac.authorization.k8s.io/v1";
import * as networking from "kubernetes-models/networking.k8s.io/v1";
import * as coordination from "kubernetes-models/coordination.k8s.io/v1";
import * as monitoring from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";

const groups = {
  v1: core,
  "apps/v1": apps,
  "policy/v1": policy,
  "rbac.authorization.k8s.io/v1": rbac,
  "networking.k8s.io/v1": networking,
  "coordination.k8s.io/v1": coordination,
  "monitoring.coreos.com/v1": monitoring,
};

const input = readFileSync(0, "utf8");
const results = [];
parseAllDocuments(input).forEach((doc, index) => {
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
  }
  results.push(entry);
});
process.stdout.write(JSON.stringify(results));
