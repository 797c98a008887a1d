/**
 * The HTML report of `mcmsim validate`: per job, the closed form's and the list schedule's
 * latency against the simulated one (y = x: the estimate is exact), the resources by queueing
 * delay, and the scenario's three estimates.
 */
import { Comparison } from '../compare';
import { identityScatter, groupedBars, rankedBars } from './charts';
import { HtmlReport, ReportMeta, Section } from './page';

const US = 1e6;

/** Two points per job: (closed form, simulated) and (list schedule, simulated), in us. */
export function jobPoints(c: Comparison) {
  return c.rows.flatMap((r) => [
    { job: r.job, chiplet: r.chiplet, estimate: 'closed form', estimateUs: r.closedFormPs / US, simulatedUs: r.simulatedPs / US },
    { job: r.job, chiplet: r.chiplet, estimate: 'list schedule', estimateUs: r.analyticalPs / US, simulatedUs: r.simulatedPs / US },
  ]);
}

/** The resources that imposed any queueing delay, largest first, at most `limit`. */
export function topResources(c: Comparison, limit = 15) {
  return c.resources.filter((r) => r.queueDelayPs > 0).slice(0, limit).map((r) => ({
    resource: r.name, kind: r.kind === 'dram' ? 'DRAM channel' : r.kind === 'port' ? 'router port' : 'NoP link', queueDelayUs: r.queueDelayPs / US, busyUs: r.busyPs / US, utilization: r.utilization,
    mostDelayed: r.jobs.slice(0, 3).map((j) => `${j.job} (${(j.delayPs / US).toPrecision(3)} us)`).join(', '),
  }));
}

export function validateSections(c: Comparison): Section[] {
  const res = topResources(c);
  const totals = [
    { estimate: 'closed form', latencyMs: c.closedForm.latencyPs / 1e9, energyMj: c.closedForm.energy.totalPj / 1e9, edpJs: c.closedForm.edpJs },
    { estimate: 'list schedule', latencyMs: c.analytical.latencyPs / 1e9, energyMj: c.analytical.energy.totalPj / 1e9, edpJs: c.analytical.edpJs },
    { estimate: 'simulation', latencyMs: c.simulated.latencyPs / 1e9, energyMj: c.simulated.energy.totalPj / 1e9, edpJs: c.simulated.edpJs },
  ];
  return [
    {
      id: 'totals',
      title: 'Scenario latency: three estimates of one schedule',
      caption: `The paper's closed form, the contention-free list schedule and the discrete-event simulation of ${c.scenario} on ${c.package}. Closed form minus simulation = per-job cost ${(c.decomposition.jobCostPs / 1e9).toPrecision(4)} ms + pipelining ${(c.decomposition.pipeliningPs / 1e9).toPrecision(4)} ms + contention ${(c.decomposition.contentionPs / 1e9).toPrecision(4)} ms (contention = list schedule - simulation: negative when queueing makes the simulation slower).`,
      spec: groupedBars({ rows: totals, group: 'estimate', groupTitle: 'estimate', series: 'estimate', seriesTitle: 'estimate', value: 'latencyMs', valueTitle: 'latency (ms)', tooltip: ['energyMj', 'edpJs'], height: 180 }),
      table: { columns: [{ key: 'estimate', title: 'estimate' }, { key: 'latencyMs', title: 'latency (ms)' }, { key: 'energyMj', title: 'energy (mJ)' }, { key: 'edpJs', title: 'EDP (J*s)' }], rows: totals },
    },
    {
      id: 'resources',
      title: 'Resources by queueing delay',
      caption: res.length ? 'NoP links and DRAM channels by the queueing delay they imposed on transfers (sum over packets), largest first; the jobs they delayed most are in the table.' : 'No resource imposed any queueing delay: the simulation has no contention.',
      spec: res.length ? rankedBars({ rows: res, label: 'resource', labelTitle: 'resource', value: 'queueDelayUs', valueTitle: 'queueing delay imposed (us)', series: 'kind', seriesTitle: 'resource kind' }) : null,
      table: {
        columns: [
          { key: 'resource', title: 'resource' }, { key: 'kind', title: 'kind' }, { key: 'queueDelayUs', title: 'queueing delay (us)' }, { key: 'busyUs', title: 'busy (us)' },
          { key: 'utilization', title: 'utilisation', format: 'pct' }, { key: 'mostDelayed', title: 'jobs delayed most' },
        ],
        rows: res,
      },
    },
    {
      id: 'jobs',
      title: 'Per job: estimated vs simulated latency',
      caption: 'Each job (a layer segment on a chiplet) twice: its closed-form and its list-schedule latency against its simulated one. On the dashed line y = x the estimate is exact; above it the simulation is slower (queueing on NoP links and DRAM channels). The table lists the jobs by their error, largest first.',
      spec: identityScatter({ rows: jobPoints(c), x: 'estimateUs', xTitle: 'estimated job latency (us)', y: 'simulatedUs', yTitle: 'simulated job latency (us)', series: 'estimate', seriesTitle: 'estimate', tooltip: ['job', 'chiplet'] }),
      table: {
        columns: [
          { key: 'job', title: 'job' }, { key: 'chiplet', title: 'chiplet' }, { key: 'closedFormUs', title: 'closed form (us)' }, { key: 'listUs', title: 'list schedule (us)' },
          { key: 'simulatedUs', title: 'simulated (us)' }, { key: 'error', title: 'sim vs list', format: 'pct' }, { key: 'queueUs', title: 'queueing (us)' }, { key: 'topResource', title: 'most queueing at' },
        ],
        // Largest |error| first: the page shows the first rows of a long table.
        rows: [...c.rows].sort((a, b) => Math.abs(b.error) - Math.abs(a.error) || Math.abs(b.simulatedPs - b.analyticalPs) - Math.abs(a.simulatedPs - a.analyticalPs)).map((r) => ({
          job: r.job, chiplet: r.chiplet, closedFormUs: r.closedFormPs / US, listUs: r.analyticalPs / US, simulatedUs: r.simulatedPs / US, error: r.error, queueUs: r.queueDelayPs / US, topResource: r.topResource,
        })),
      },
    },
  ];
}

export function validateReport(c: Comparison, meta: ReportMeta): HtmlReport {
  return { title: `mcmsim validate: ${c.scenario} on ${c.package}`, meta: { ...meta, extra: [['jobs', String(c.jobs)], ...(c.fingerprint ? [['simulation fingerprint', c.fingerprint] as [string, string]] : []), ...(meta.extra ?? [])] }, sections: validateSections(c) };
}
