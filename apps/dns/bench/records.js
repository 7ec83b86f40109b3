// The benchmark's records, shared by our server, the NSD zone and the query file.
exports.serviceIP = (i) => `10.96.${Math.floor(i / 250)}.${(i % 250) + 1}`;
exports.serviceName = (i) => `svc-${i}.bench.svc.cluster.local`;
