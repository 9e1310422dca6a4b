/**
 * Checkers for option objects (adapters' open options, the WAL's): an unknown name or a wrong
 * type is INVALID_OPTION, never silently ignored, and every message names the option.
 */
import { TidekvError } from '../errors.js';
import { describeValue } from '../errors.js';

export type OptionBag = Record<string, unknown>;

/**
 * `input` as a plain options object whose names are all in `known`. `what` names the
 * options in messages ("lmdb options"); `required` says what must be in it ("a path").
 */
export function optionsObject(input: unknown, what: string, known: ReadonlySet<string>, required?: string): OptionBag {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    const needs = required === undefined ? '' : ` with ${required}`;
    throw new TidekvError('INVALID_OPTION', `${what} must be an object${needs}, got ${describeValue(input)}`);
  }
  for (const name of Object.keys(input)) {
    if (!known.has(name)) {
      throw new TidekvError('INVALID_OPTION', `unknown ${what} option '${name}' (known: ${[...known].join(', ')})`);
    }
  }
  return input as OptionBag;
}

/** An integer option in [min, max] (or Infinity when allowed); `fallback` when absent. */
export function integerOption(options: OptionBag, name: string, fallback: number, min: number, max: number, allowInfinity = false): number {
  const value = options[name];
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' && ((allowInfinity && value === Infinity) || (Number.isInteger(value) && value >= min && value <= max));
  if (!ok) {
    throw new TidekvError(
      'INVALID_OPTION',
      `options.${name} must be an integer from ${min} to ${max}${allowInfinity ? ' or Infinity' : ''}, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** A finite number option in [min, max]; `fallback` when absent. */
export function numberOption(options: OptionBag, name: string, fallback: number, min: number, max: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new TidekvError('INVALID_OPTION', `options.${name} must be a number from ${min} to ${max}, got ${describeValue(value)}`);
  }
  return value;
}

/** One of a few string values; `fallback` when absent. */
export function oneOfOption<T extends string>(options: OptionBag, name: string, allowed: readonly T[], fallback: T): T {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new TidekvError(
      'INVALID_OPTION',
      `options.${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(value)}`,
    );
  }
  return value as T;
}

export function booleanOption(options: OptionBag, name: string, fallback: boolean): boolean {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TidekvError('INVALID_OPTION', `options.${name} must be a boolean, got ${describeValue(value)}`);
  return value;
}

/** A directory path option: a non-empty string without NUL; undefined when absent and not required. */
export function pathOption(options: OptionBag, name: string, required: true): string;
export function pathOption(options: OptionBag, name: string, required: false): string | undefined;
export function pathOption(options: OptionBag, name: string, required: boolean): string | undefined {
  const value = options[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.includes('\0')) {
    throw new TidekvError('INVALID_OPTION', `options.${name} must be a non-empty directory path without NUL, got ${describeValue(value)}`);
  }
  return value;
}
