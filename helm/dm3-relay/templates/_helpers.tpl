{{/* Chart name, overridable. Kubernetes names stop at 63 characters. */}}
{{- define "dm3-relay.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every object name: <release>-<chart>, or the release name alone if it contains the chart name. */}}
{{- define "dm3-relay.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "dm3-relay.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The labels that identify this release's pods: the Deployment selector, the Services, the PDB
     and Cluster Bootstrap's pod label selector all use exactly these. */}}
{{- define "dm3-relay.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dm3-relay.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "dm3-relay.labels" -}}
helm.sh/chart: {{ include "dm3-relay.chart" . }}
{{ include "dm3-relay.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: dm3-relay
{{- end }}

{{/* The same selector as a Kubernetes label-selector string, for kubernetes-api discovery. */}}
{{- define "dm3-relay.podLabelSelector" -}}
{{- printf "app.kubernetes.io/name=%s,app.kubernetes.io/instance=%s" (include "dm3-relay.name" .) .Release.Name }}
{{- end }}

{{- define "dm3-relay.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "dm3-relay.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* A majority of the replicas: more than half, so two partitions can never both have one. */}}
{{- define "dm3-relay.majority" -}}
{{- add (div (int .Values.replicaCount) 2) 1 }}
{{- end }}

{{- define "dm3-relay.requiredContactPointNr" -}}
{{- if gt (int .Values.cluster.requiredContactPointNr) 0 }}
{{- .Values.cluster.requiredContactPointNr }}
{{- else }}
{{- include "dm3-relay.majority" . }}
{{- end }}
{{- end }}

{{- define "dm3-relay.pdbMinAvailable" -}}
{{- if gt (int .Values.podDisruptionBudget.minAvailable) 0 }}
{{- .Values.podDisruptionBudget.minAvailable }}
{{- else }}
{{- include "dm3-relay.majority" . }}
{{- end }}
{{- end }}

{{/* The Secret with the four service keys: the chart's own, or the operator's. */}}
{{- define "dm3-relay.identitySecretName" -}}
{{- if .Values.identity.create }}
{{- printf "%s-identity" (include "dm3-relay.fullname" .) }}
{{- else }}
{{- .Values.identity.existingSecret }}
{{- end }}
{{- end }}

{{/* The Secret with the Cassandra credentials: the operator's, or the chart's own. */}}
{{- define "dm3-relay.cassandraSecretName" -}}
{{- if .Values.cassandra.auth.existingSecret }}
{{- .Values.cassandra.auth.existingSecret }}
{{- else }}
{{- printf "%s-cassandra" (include "dm3-relay.fullname" .) }}
{{- end }}
{{- end }}

{{- define "dm3-relay.cassandraUsernameKey" -}}
{{- if .Values.cassandra.auth.existingSecret }}{{ .Values.cassandra.auth.usernameKey }}{{ else }}username{{ end }}
{{- end }}

{{- define "dm3-relay.cassandraPasswordKey" -}}
{{- if .Values.cassandra.auth.existingSecret }}{{ .Values.cassandra.auth.passwordKey }}{{ else }}password{{ end }}
{{- end }}

{{/* PUBLIC_URL: the configured one, else the first Ingress host (https when it has TLS), else empty. */}}
{{- define "dm3-relay.publicUrl" -}}
{{- if .Values.relay.publicUrl }}
{{- .Values.relay.publicUrl | trimSuffix "/" }}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts }}
{{- $host := (first .Values.ingress.hosts).host }}
{{- $scheme := "http" }}
{{- range .Values.ingress.tls }}
{{- if has $host .hosts }}{{ $scheme = "https" }}{{ end }}
{{- end }}
{{- printf "%s://%s" $scheme $host }}
{{- end }}
{{- end }}

{{- define "dm3-relay.leaseName" -}}
{{- default (printf "%s-sbr" (include "dm3-relay.fullname" .)) .Values.cluster.splitBrainResolver.lease.name }}
{{- end }}

{{- define "dm3-relay.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Where DATA_DIR lives in the pod; the image declares the same path as a volume. */}}
{{- define "dm3-relay.dataDir" -}}
/var/lib/dm3-relay
{{- end }}
