/** Names of the templates the stack's Slack receiver uses (defined in {@link SLACK_TEMPLATE}). */
export const SLACK_TEMPLATE_NAMES = {
  title: 'chatops.slack.title',
  text: 'chatops.slack.text',
  color: 'chatops.slack.color',
} as const;

/**
 * The stack's Slack message template (Go text/template, Alertmanager's functions). One message per aggregation
 * group: the title says how many alerts fire, the text lists every alert with its node, severity and summary.
 */
export const SLACK_TEMPLATE = `{{/*
  ChatOps Slack notifications. One message carries a whole aggregation group:
    [FIRING:3] ChatOpsInstanceDown
    :red_circle: ChatOpsInstanceDown on chatops-1 (critical)
        ChatOps instance chatops-1 is down
*/}}

{{ define "chatops.slack.title" -}}
[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}
{{- end }}

{{ define "chatops.slack.color" -}}
{{ if eq .Status "firing" }}{{ if eq .CommonLabels.severity "critical" }}danger{{ else }}warning{{ end }}{{ else }}good{{ end }}
{{- end }}

{{ define "chatops.slack.alert" -}}
{{ if eq .Status "firing" }}:red_circle:{{ else }}:large_green_circle:{{ end }} *{{ .Labels.alertname }}* on \`{{ or .Labels.node .Labels.instance "?" }}\`{{ if .Labels.severity }} ({{ .Labels.severity }}){{ end }}
{{- with .Annotations.summary }}
    {{ . }}{{ end }}
{{- with .Annotations.description }}
    _{{ . }}_{{ end }}
{{- end }}

{{ define "chatops.slack.text" -}}
{{ range .Alerts.Firing }}{{ template "chatops.slack.alert" . }}
{{ end -}}
{{ range .Alerts.Resolved }}{{ template "chatops.slack.alert" . }}
{{ end -}}
{{- end }}
`;
