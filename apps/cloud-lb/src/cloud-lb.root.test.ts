// Root: the cloud-lb suite with the kernel data path (nftables DNAT, client IP preserved).
import { lbSuite } from './testing/lb-suite';

lbSuite('nftables');
