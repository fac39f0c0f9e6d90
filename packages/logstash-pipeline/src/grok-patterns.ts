/**
 * Names of the patterns logstash-patterns-core ships (ECS v1 set: `grok-patterns`, `haproxy`, `httpd`,
 * `linux-syslog`, `java` basics), which the grok filter loads by default.
 */
export const CORE_GROK_PATTERNS: ReadonlySet<string> = new Set([
  // grok-patterns
  'USERNAME',
  'USER',
  'EMAILLOCALPART',
  'EMAILADDRESS',
  'INT',
  'BASE10NUM',
  'NUMBER',
  'BASE16NUM',
  'BASE16FLOAT',
  'POSINT',
  'NONNEGINT',
  'WORD',
  'NOTSPACE',
  'SPACE',
  'DATA',
  'GREEDYDATA',
  'QUOTEDSTRING',
  'UUID',
  'URN',
  'MAC',
  'CISCOMAC',
  'WINDOWSMAC',
  'COMMONMAC',
  'IPV6',
  'IPV4',
  'IP',
  'HOSTNAME',
  'IPORHOST',
  'HOSTPORT',
  'PATH',
  'UNIXPATH',
  'TTY',
  'WINPATH',
  'URIPROTO',
  'URIHOST',
  'URIPATH',
  'URIQUERY',
  'URIPARAM',
  'URIPATHPARAM',
  'URI',
  'MONTH',
  'MONTHNUM',
  'MONTHNUM2',
  'MONTHDAY',
  'DAY',
  'YEAR',
  'HOUR',
  'MINUTE',
  'SECOND',
  'TIME',
  'DATE_US',
  'DATE_EU',
  'ISO8601_TIMEZONE',
  'ISO8601_SECOND',
  'TIMESTAMP_ISO8601',
  'TIMESTAMP_CN',
  'DATE',
  'DATESTAMP',
  'TZ',
  'DATESTAMP_RFC822',
  'DATESTAMP_RFC2822',
  'DATESTAMP_OTHER',
  'DATESTAMP_EVENTLOG',
  'SYSLOGTIMESTAMP',
  'PROG',
  'SYSLOGPROG',
  'SYSLOGHOST',
  'SYSLOGFACILITY',
  'HTTPDATE',
  'QS',
  'SYSLOGBASE',
  'LOGLEVEL',
  // haproxy
  'HAPROXYTIME',
  'HAPROXYDATE',
  'HAPROXYCAPTUREDREQUESTHEADERS',
  'HAPROXYCAPTUREDRESPONSEHEADERS',
  'HAPROXYURI',
  'HAPROXYHTTPREQUESTLINE',
  'HAPROXYHTTPBASE',
  'HAPROXYHTTP',
  'HAPROXYTCP',
  // httpd
  'HTTPDUSER',
  'HTTPDERROR_DATE',
  'HTTPD_COMMONLOG',
  'HTTPD_COMBINEDLOG',
  'HTTPD20_ERRORLOG',
  'HTTPD24_ERRORLOG',
  'HTTPD_ERRORLOG',
  'COMMONAPACHELOG',
  'COMBINEDAPACHELOG',
  // linux-syslog
  'SYSLOG5424PRINTASCII',
  'SYSLOGBASE2',
  'SYSLOGPAMSESSION',
  'CRON_ACTION',
  'CRONLOG',
  'SYSLOGLINE',
  'SYSLOG5424PRI',
  'SYSLOG5424SD',
  'SYSLOG5424BASE',
  'SYSLOG5424LINE',
]);

/** One `%{NAME}`, `%{NAME:field}` or `%{NAME:field:type}` reference in a grok expression. */
export interface GrokReference {
  readonly pattern: string;
  readonly field?: string;
  readonly type?: string;
  readonly offset: number;
}

const REFERENCE = /%\{([^}]*)\}/g;
const NAME = /^[A-Za-z0-9_]+$/;
const TYPES = new Set(['int', 'float']);

/** The `%{...}` references of a grok expression. */
export function grokReferences(expression: string): GrokReference[] {
  return [...expression.matchAll(REFERENCE)].map((m) => {
    const [pattern = '', field, type] = m[1]!.split(':');
    return { pattern, ...(field !== undefined ? { field } : {}), ...(type !== undefined ? { type } : {}), offset: m.index };
  });
}

/**
 * Problems of a grok expression: unknown pattern names (against the core set plus `extra` custom patterns),
 * malformed references and semantic types other than `int`/`float`.
 */
export function checkGrokExpression(expression: string, extra: ReadonlySet<string> = new Set()): string[] {
  const problems: string[] = [];
  for (const ref of grokReferences(expression)) {
    if (!NAME.test(ref.pattern))
      problems.push(`malformed grok reference %{${[ref.pattern, ref.field, ref.type].filter((x) => x !== undefined).join(':')}}`);
    else if (!CORE_GROK_PATTERNS.has(ref.pattern) && !extra.has(ref.pattern)) problems.push(`unknown grok pattern ${ref.pattern}`);
    if (ref.field === '') problems.push(`empty field name in %{${ref.pattern}:}`);
    if (ref.type !== undefined && !TYPES.has(ref.type)) problems.push(`grok type must be int or float, got ${JSON.stringify(ref.type)}`);
  }
  return problems;
}
