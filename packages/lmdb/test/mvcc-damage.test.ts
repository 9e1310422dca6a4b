// LMDB has no checksums: the MVCC layer's record checksums must catch a flipped byte.
import { describeMvccDamage } from '../../../test/support/mvcc-damage.js';
import { openLmdb } from '../src/index.js';

describeMvccDamage('MvccStore on lmdb: damage in the data file', (path) => openLmdb({ path }));
