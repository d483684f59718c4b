/**
 * A run form for the dev page (dev/runform.html) and the browser tests: one field of every
 * kind, a required one, a default given as an expression, markup in help and defaults (it
 * must show as text), and targets that are available, not configured, or not installed.
 */
import type { RunFormState, RunFormValues, RunTargetOption } from '../src/runFormProtocol';

const RESOURCES: RunTargetOption[] = [
  { name: 'cpu', label: 'CPUs', kind: 'number', help: 'CPUs per task' },
  { name: 'memory', label: 'Memory (MB)', kind: 'integer', help: 'Memory per task in megabytes' },
  { name: 'gpu', label: 'GPUs', kind: 'integer', help: 'GPUs per task' },
  { name: 'image', label: 'Image', kind: 'string', help: 'Container image; blank for the configured one' },
];

export const XSS = '<img src=x onerror="window.mfPwned=1"><script>window.mfPwned=2</script>';

export const SAMPLE_FORM: RunFormState = {
  flow: 'TrainFlow',
  file: '/work/flows/train_flow.py',
  fields: [
    { name: 'dataset', kind: 'string', type: 'str', default: null, default_text: null, help: 'S3 prefix of the shards', required: true },
    { name: 'learning_rate', kind: 'number', type: 'float', default: 0.01, default_text: null, help: 'Step size of the optimiser', required: false },
    { name: 'epochs', kind: 'integer', type: 'int', default: 3, default_text: null, help: 'Passes over the data', required: false },
    { name: 'seed', kind: 'integer', type: 'int', default: null, default_text: 'int(time.time())', help: null, required: false },
    { name: 'dry_run', kind: 'boolean', type: 'bool', default: false, default_text: null, help: 'Train, but skip the upload', required: false },
    { name: 'grid', kind: 'json', type: 'JSONType', default: { depth: [4, 8], eta: 0.1 }, default_text: null, help: 'Hyper-parameter grid', required: false },
    { name: 'labels', kind: 'file', type: null, default: null, default_text: null, help: 'A CSV of labels (IncludeFile)', required: false },
    { name: 'settings', kind: 'config', type: null, default: null, default_text: null, help: 'Model settings (a Config, JSON)', required: false },
    { name: 'notes', kind: 'string', type: 'str', default: `<b>"quoted" & <i>escaped</i></b>`, default_text: null, help: `Shown as text: ${XSS}`, required: false },
  ],
  targets: [
    { name: 'local', label: 'Local', available: true, reason: null, options: [] },
    { name: 'batch', label: 'AWS Batch', available: true, reason: null, options: RESOURCES },
    {
      name: 'kubernetes',
      label: 'Kubernetes',
      available: false,
      reason: 'not configured in ~/.metaflowconfig/config.json: set METAFLOW_KUBERNETES_NAMESPACE (metaflow configure kubernetes)',
      options: RESOURCES,
    },
    { name: 'devcontainer', label: 'Dev container (Docker)', available: false, reason: 'the @devcontainer decorator is not installed in this interpreter', options: [] },
  ],
  values: null,
  lint_errors: [],
};

/** The same form after a launch: the last values come back. */
export const SAMPLE_VALUES: RunFormValues = {
  params: { dataset: 's3://bucket/shards', epochs: 5, dry_run: true, grid: '{"depth": [4, 8, 16]}' },
  tags: ['nightly', 'exp-12'],
  max_workers: 4,
  with_specs: ['retry:times=2'],
  target: 'batch',
  target_options: { cpu: '2', memory: '8192' },
};

export const SAMPLE_LINT_ERRORS = ['line 41: Step end is not reachable from start (self.next is missing in step train)', `line 12: ${XSS}`];
