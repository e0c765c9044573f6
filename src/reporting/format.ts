/**
 * Number, money, date and duration formatting shared by the terminal table, the HTML report and the progress
 * reporter. The locale is fixed to en-US on purpose: reports must read the same on every machine (and tests
 * must be stable), whatever the host's LANG says.
 */

const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimalFormats = new Map<number, Intl.NumberFormat>();

/** Em dash for values that do not exist (mean of an empty group): never print NaN to a marketer. */
export const MISSING = '\u2013';

function decimalFormat(digits: number): Intl.NumberFormat {
  let f = decimalFormats.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    decimalFormats.set(digits, f);
  }
  return f;
}

/** 1234567 -> "1,234,567". */
export function formatInt(n: number): string {
  return Number.isFinite(n) ? intFormat.format(n) : MISSING;
}

/** 1234.5 -> "1,234.50" with a fixed number of decimals. */
export function formatDecimal(n: number, digits: number): string {
  return Number.isFinite(n) ? decimalFormat(digits).format(n) : MISSING;
}

/** A 0..1 share -> "12.3%". */
export function formatPercent(share: number, digits = 1): string {
  return Number.isFinite(share) ? `${decimalFormat(digits).format(share * 100)}%` : MISSING;
}

const moneyFormats = new Map<string, Intl.NumberFormat | null>();

/**
 * Money with the currency's symbol ("€1,234.50", "CA$12.00"). An unknown or malformed currency code (the
 * shop's setting is free text to us) falls back to "1,234.50 XYZ" instead of throwing.
 */
export function formatMoney(n: number, currency: string, digits = 2): string {
  if (!Number.isFinite(n)) return MISSING;
  const key = `${currency}|${digits}`;
  let f = moneyFormats.get(key);
  if (f === undefined) {
    try {
      f = new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
    } catch {
      f = null;
    }
    moneyFormats.set(key, f);
  }
  return f ? f.format(n) : `${formatDecimal(n, digits)} ${currency}`.trim();
}

/** 850 -> "850 ms", 3210 -> "3.2 s", 252000 -> "4 min 12 s", 3720000 -> "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return MISSING;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(s).padStart(2, '0')} s`;
}

/** Seconds as a clock for ETAs: "0:07", "4:12", "1:02:03". */
export function formatClock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const t = Math.round(seconds);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The calendar date of an ISO timestamp, in UTC ("2024-05-01"); the input itself when it does not parse. */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 10);
}

/** "2024-05-01 02:13 UTC": runs happen at night in the shop's zone, so say which zone we print. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values (shop domains, group names, params). */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}
