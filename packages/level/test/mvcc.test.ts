import { describeMvccStoreOn } from '@tidekv/conformance';
import { openLevel } from '../src/index.js';

describeMvccStoreOn('level', (path) => openLevel({ path }));
