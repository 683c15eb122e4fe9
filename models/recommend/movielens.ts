/**
 * Reads MovieLens-format ratings (`user item rating time`, tab-separated, as in ml-100k's u.data).
 * A malformed line is reported with its line number and skipped, so one bad row does not lose a file.
 */
import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../../core/errors.js';
import type { Interaction } from './interactions.js';

/** A line that could not be read, with its 1-based number and why. */
export interface RatingsProblem {
  readonly line: number;
  readonly reason: string;
  /** The line as read, cut to 120 characters. */
  readonly text: string;
}

/** The ratings of a file and the lines that were skipped. */
export interface RatingsFile {
  readonly ratings: Interaction[];
  readonly problems: RatingsProblem[];
}

/**
 * Parses MovieLens ratings text. Blank lines are ignored silently; everything else must have four
 * fields: a positive integer user, a non-empty item, a finite rating and an integer timestamp.
 * Tabs are the format; runs of spaces are accepted too because hand-made fixtures use them.
 */
export function parseMovieLens(text: string): RatingsFile {
  const ratings: Interaction[] = [];
  const problems: RatingsProblem[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === '') continue;
    const fields = line.includes('\t') ? line.split('\t') : line.trim().split(/\s+/);
    const problem = (reason: string): void => {
      problems.push({ line: index + 1, reason, text: line.slice(0, 120) });
    };
    if (fields.length !== 4) {
      problem(`expected 4 fields (user, item, rating, time), found ${fields.length}`);
      continue;
    }
    const [userText, itemText, ratingText, timeText] = fields.map((field) => field.trim()) as [
      string,
      string,
      string,
      string,
    ];
    if (!/^\d+$/.test(userText)) {
      problem(`user '${userText}' is not a non-negative integer`);
      continue;
    }
    if (itemText === '') {
      problem('item is empty');
      continue;
    }
    const rating = Number(ratingText);
    if (ratingText === '' || !Number.isFinite(rating)) {
      problem(`rating '${ratingText}' is not a number`);
      continue;
    }
    if (!/^-?\d+$/.test(timeText)) {
      problem(`time '${timeText}' is not an integer timestamp`);
      continue;
    }
    ratings.push({ userId: Number(userText), itemId: itemText, value: rating, time: Number(timeText) });
  }
  return { ratings, problems };
}

/**
 * Reads a MovieLens ratings file. A missing file or one with no readable rating is an
 * {@link InvalidInputError} (the path came from the user); malformed lines are returned in `problems`.
 */
export async function loadMovieLens(path: string): Promise<RatingsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      'ratings_file_unreadable',
      code === 'ENOENT'
        ? `Ratings file not found: ${path}`
        : `Cannot read ratings file ${path}: ${(error as Error).message}`,
    );
  }
  const parsed = parseMovieLens(text);
  if (parsed.ratings.length === 0) {
    const first = parsed.problems[0];
    throw new InvalidInputError(
      'ratings_file_empty',
      `No ratings could be read from ${path}${first ? ` (line ${first.line}: ${first.reason})` : ''}`,
    );
  }
  return parsed;
}

/** One line per problem, e.g. "line 3: rating 'x' is not a number", for stderr. */
export function formatRatingsProblems(problems: readonly RatingsProblem[], limit = 20): string {
  const shown = problems
    .slice(0, limit)
    .map((problem) => `line ${problem.line}: ${problem.reason}`)
    .join('\n');
  const more = problems.length > limit ? `\n… and ${problems.length - limit} more malformed lines` : '';
  return shown + more;
}
