// SQLite verifies nothing on reads: the MVCC layer's record checksums must catch a flipped byte.
import { describeMvccDamage } from '../../../test/support/mvcc-damage.js';
import { openSqlite } from '../src/index.js';

describeMvccDamage('MvccStore on sqlite: damage in the database file', (path) => openSqlite({ path }));
