/**
 * What the memory engine declares. Capabilities are static per instance, so the two modes
 * have two objects: an engine opened without `path` is ephemeral, one opened with a `path`
 * is persistent. The factory (`memoryEngine.capabilities`) declares the ephemeral one,
 * because that is what `memoryEngine.open({})` gives.
 */
import type { Capabilities } from '@tidekv/core';

/** 64 KiB: keys are compared byte by byte on every tree search; huge keys belong in values. */
export const MAX_KEY_SIZE = 64 * 1024;
/**
 * 32 MiB: values live on the JS heap's external memory and are copied on every read and
 * into the single buffer a snapshot file is written from; larger blobs belong in files.
 */
export const MAX_VALUE_SIZE = 32 * 1024 * 1024;

export const EPHEMERAL_CAPABILITIES: Capabilities = Object.freeze({
  persistent: false,
  syncReads: true,
  snapshots: true,
  maxKeySize: MAX_KEY_SIZE,
  maxValueSize: MAX_VALUE_SIZE,
});

export const PERSISTENT_CAPABILITIES: Capabilities = Object.freeze({
  ...EPHEMERAL_CAPABILITIES,
  persistent: true,
});
