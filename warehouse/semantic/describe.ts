import { DIMENSION_NAMES, DIMENSIONS, METRIC_NAMES, METRICS, SOURCES, TIME_GRAINS } from './catalogue.js';

/** A metric as shown to people and LLMs: name, meaning, unit, table and what it can be split by. */
export interface MetricDescription {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly unit: string;
  readonly table: string;
  readonly timeColumn: string;
  readonly dimensions: readonly string[];
  readonly definition: string;
}

/** Describes every metric of the catalogue. */
export function describeMetrics(): MetricDescription[] {
  return METRIC_NAMES.map((name) => {
    const metric = METRICS[name];
    const source = SOURCES[metric.source];
    const aggregation = metric.aggregation;
    const definition =
      aggregation.kind === 'sum'
        ? `SUM(${aggregation.expression})`
        : aggregation.kind === 'count'
          ? 'COUNT(*)'
          : aggregation.kind === 'count_distinct'
            ? `COUNT(DISTINCT ${aggregation.expression})`
            : aggregation.kind === 'ratio'
              ? `SUM(${aggregation.numerator}) / SUM(${aggregation.denominator})`
              : aggregation.kind === 'average'
                ? `AVG(${aggregation.expression})`
                : `items with ${aggregation.openedAt} before the period end and ${aggregation.closedAt} null or after it`;
    return {
      name,
      label: metric.label,
      description: metric.description,
      unit: metric.unit,
      table: source.relation.startsWith('(') ? 'deposits + withdrawals' : source.relation,
      timeColumn: source.timeColumn,
      dimensions: DIMENSION_NAMES.filter((dimension) => dimension in source.dimensions),
      definition: `${definition} FROM ${source.relation.startsWith('(') ? 'deposits (+) and withdrawals (−)' : source.relation}${
        'where' in source && source.where ? ` WHERE ${source.where}` : ''
      }, by ${source.timeColumn}`,
    };
  });
}

/** Describes every dimension (values listed where the catalogue knows them). */
export function describeDimensions(): {
  name: string;
  description: string;
  values?: readonly string[];
  example: string;
}[] {
  return DIMENSION_NAMES.map((name) => {
    const dimension = DIMENSIONS[name];
    return {
      name,
      description: dimension.description,
      ...(dimension.values ? { values: dimension.values } : {}),
      example: dimension.example,
    };
  });
}

/** The time grains a metric can be grouped by. */
export const GRAINS: readonly string[] = TIME_GRAINS;
