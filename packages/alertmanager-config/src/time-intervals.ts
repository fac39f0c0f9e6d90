import type { TimeInterval } from './alertmanager-config.js';

type Spec = TimeInterval['time_intervals'][number];

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

interface Parts {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  readonly day: number;
  /** 0 = Sunday */
  readonly weekday: number;
  /** Minutes since midnight. */
  readonly minute: number;
}

function partsAt(at: Date, location: string | undefined): Parts {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: location && location !== 'Local' ? location : 'UTC',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'long',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  });
  const get = (type: string) => fmt.formatToParts(at).find((p) => p.type === type)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    weekday: WEEKDAYS.indexOf(get('weekday').toLowerCase()),
    minute: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

function inRanges(ranges: readonly string[] | undefined, value: number, parse: (s: string) => number): boolean {
  if (!ranges || ranges.length === 0) return true;
  return ranges.some((r) => {
    const [a, b = a] = r.split(':');
    return value >= parse(a as string) && value <= parse(b as string);
  });
}

function clock(s: string): number {
  const [h, m] = s.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Whether one interval spec contains the instant (Alertmanager's `timeinterval.TimeInterval.ContainsTime`). */
export function specContains(spec: Spec, at: Date): boolean {
  const p = partsAt(at, spec.location);
  if (spec.times?.length && !spec.times.some((t) => p.minute >= clock(t.start_time) && p.minute < clock(t.end_time))) return false;
  if (!inRanges(spec.weekdays, p.weekday, (s) => WEEKDAYS.indexOf(s.toLowerCase()))) return false;
  const daysInMonth = new Date(Date.UTC(p.year, p.month, 0)).getUTCDate();
  if (!inRanges(spec.days_of_month, p.day, (s) => (Number(s) < 0 ? daysInMonth + Number(s) + 1 : Number(s)))) return false;
  if (!inRanges(spec.months, p.month, (s) => (/^\d+$/.test(s) ? Number(s) : MONTHS.indexOf(s.toLowerCase()) + 1))) return false;
  if (!inRanges(spec.years, p.year, Number)) return false;
  return true;
}

/** Whether a named time interval (any of its specs) contains the instant. */
export function intervalContains(interval: TimeInterval, at: Date): boolean {
  return interval.time_intervals.some((spec) => specContains(spec, at));
}
