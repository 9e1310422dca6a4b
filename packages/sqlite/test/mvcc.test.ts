import { describeMvccStoreOn } from '@tidekv/conformance';
import { openSqlite } from '../src/index.js';

describeMvccStoreOn('sqlite', (path) => openSqlite({ path }));
