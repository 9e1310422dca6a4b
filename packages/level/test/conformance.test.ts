/**
 * The shared tidekv conformance suite against the LevelDB engine. The kill -9 crash case
 * runs the BUILT package (dist/index.js) in a child process: build before running it.
 */
import { describeEngine } from '@tidekv/conformance';
import { openLevel } from '@tidekv/level';
import { DIST } from './child.js';

describeEngine({ name: 'level', open: ({ dir }) => openLevel({ path: dir }), crash: { module: DIST, factory: 'levelEngine' } });
