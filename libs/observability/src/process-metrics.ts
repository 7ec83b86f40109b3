// The process and Node.js runtime metrics every Prometheus client exports, under the names the
// Go client and prom-client use (so the standard dashboards' CPU, memory and fd panels work):
// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_start_time_seconds, process_open_fds, process_max_fds, nodejs_heap_size_*_bytes,
// nodejs_external_memory_bytes, nodejs_version_info. Read at scrape time, nothing runs between.
import * as fs from 'node:fs';

const START_TIME = Math.round((Date.now() / 1000 - process.uptime()) * 1000) / 1000;

function procFdCount(): number | undefined {
  try {
    // the directory listing itself holds one fd while it runs
    return fs.readdirSync('/proc/self/fd').length - 1;
  } catch {
    return undefined;
  }
}

function procMaxFds(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function procVirtualBytes(): number | undefined {
  try {
    const m = /^VmSize:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function sample(name: string, type: 'counter' | 'gauge', help: string, value: number | undefined, labels = ''): string[] {
  if (value === undefined || !Number.isFinite(value)) return [];
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name}${labels ? `{${labels}}` : ''} ${value}`];
}

export class ProcessMetrics {
  render(): string {
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const [major, minor, patch] = process.versions.node.split('.');
    return [
      ...sample('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', (cpu.user + cpu.system) / 1e6),
      ...sample('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', mem.rss),
      ...sample('process_virtual_memory_bytes', 'gauge', 'Virtual memory size in bytes.', procVirtualBytes()),
      ...sample('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.', START_TIME),
      ...sample('process_open_fds', 'gauge', 'Number of open file descriptors.', procFdCount()),
      ...sample('process_max_fds', 'gauge', 'Maximum number of open file descriptors.', procMaxFds()),
      ...sample('nodejs_heap_size_total_bytes', 'gauge', 'Process heap size from Node.js in bytes.', mem.heapTotal),
      ...sample('nodejs_heap_size_used_bytes', 'gauge', 'Process heap size used from Node.js in bytes.', mem.heapUsed),
      ...sample('nodejs_external_memory_bytes', 'gauge', 'Node.js external memory size in bytes.', mem.external),
      ...sample('nodejs_version_info', 'gauge', 'Node.js version info.', 1, `version="${process.version}",major="${major}",minor="${minor}",patch="${patch}"`),
    ].join('\n');
  }
}
