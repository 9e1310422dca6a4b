import { describeMvccStoreOn } from '@tidekv/conformance';
import { openLmdb } from '../src/index.js';

describeMvccStoreOn('lmdb', (path) => openLmdb({ path }));
