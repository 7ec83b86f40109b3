// Root: the cloud-lb suite with the userspace proxy data path.
import { lbSuite } from './testing/lb-suite';

lbSuite('userspace');
