/**
 * A few counters and histograms in the Prometheus text format (version 0.0.4), for `analyst serve`'s
 * `/metrics`. Small on purpose: the bot needs counts of events, answers, duplicates, rate limits and
 * errors, and the latency of its HTTP endpoints, not a metrics library.
 */

/** Label names and values of one series. */
export type MetricLabels = Readonly<Record<string, string>>;

/** A counter that only goes up. */
export interface Counter {
  inc(labels?: MetricLabels, amount?: number): void;
  /** The current value of one series (tests). */
  value(labels?: MetricLabels): number;
}

/** A histogram of observations (seconds) with fixed buckets. */
export interface Histogram {
  observe(value: number, labels?: MetricLabels): void;
  /** Observations of one series (tests). */
  count(labels?: MetricLabels): number;
}

/** A registry of metrics, rendered together. */
export interface MetricsRegistry {
  counter(name: string, help: string): Counter;
  histogram(name: string, help: string, buckets?: readonly number[]): Histogram;
  /** The exposition text for `/metrics`. */
  render(): string;
}

/** Latency buckets in seconds, from a fast ack to a slow answer. */
export const DEFAULT_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function labelKey(labels: MetricLabels | undefined): string {
  if (!labels) return '';
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}="${escapeLabel(labels[key] ?? '')}"`)
    .join(',');
}

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
}

function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
}

/**
 * Creates a registry. Asking twice for the same name returns the same metric, so every surface can
 * declare the counters it uses.
 *
 * @example
 * const metrics = createMetricsRegistry();
 * const answers = metrics.counter('analyst_answers_total', 'Answers posted');
 * answers.inc({ surface: 'slack', outcome: 'answered' });
 * response.end(metrics.render());
 */
export function createMetricsRegistry(): MetricsRegistry {
  const renderers = new Map<string, () => string>();
  const counters = new Map<string, Counter>();
  const histograms = new Map<string, Histogram>();

  const checkName = (name: string): void => {
    if (!NAME.test(name)) throw new RangeError(`'${name}' is not a valid Prometheus metric name`);
  };

  return {
    counter(name, help) {
      const existing = counters.get(name);
      if (existing) return existing;
      checkName(name);
      const series = new Map<string, number>();
      const counter: Counter = {
        inc(labels, amount = 1) {
          const key = labelKey(labels);
          series.set(key, (series.get(key) ?? 0) + amount);
        },
        value(labels) {
          return series.get(labelKey(labels)) ?? 0;
        },
      };
      counters.set(name, counter);
      renderers.set(name, () =>
        [
          `# HELP ${name} ${help}`,
          `# TYPE ${name} counter`,
          ...[...series].map(([key, value]) => `${name}${key ? `{${key}}` : ''} ${formatNumber(value)}`),
        ].join('\n'),
      );
      return counter;
    },
    histogram(name, help, buckets = DEFAULT_BUCKETS) {
      const existing = histograms.get(name);
      if (existing) return existing;
      checkName(name);
      const bounds = [...buckets].sort((a, b) => a - b);
      const series = new Map<string, { counts: Float64Array; sum: number; count: number }>();
      const histogram: Histogram = {
        observe(value, labels) {
          const key = labelKey(labels);
          let entry = series.get(key);
          if (!entry) {
            entry = { counts: new Float64Array(bounds.length), sum: 0, count: 0 };
            series.set(key, entry);
          }
          for (let index = 0; index < bounds.length; index += 1) {
            if (value <= bounds[index]!) entry.counts[index]! += 1;
          }
          entry.sum += value;
          entry.count += 1;
        },
        count(labels) {
          return series.get(labelKey(labels))?.count ?? 0;
        },
      };
      histograms.set(name, histogram);
      renderers.set(name, () => {
        const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
        for (const [key, entry] of series) {
          const prefix = key ? `${key},` : '';
          bounds.forEach((bound, index) => {
            lines.push(`${name}_bucket{${prefix}le="${formatNumber(bound)}"} ${entry.counts[index]}`);
          });
          lines.push(`${name}_bucket{${prefix}le="+Inf"} ${entry.count}`);
          lines.push(`${name}_sum${key ? `{${key}}` : ''} ${formatNumber(entry.sum)}`);
          lines.push(`${name}_count${key ? `{${key}}` : ''} ${entry.count}`);
        }
        return lines.join('\n');
      });
      return histogram;
    },
    render() {
      return `${[...renderers.values()].map((render) => render()).join('\n')}\n`;
    },
  };
}
