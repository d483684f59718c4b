/**
 * Fixture answers for the UI dev page (dev/ui.html) and its browser tests: REAL output of
 * the query layer on test-fixtures/demo (`mfstudio runs|summary|tasks|failures|logs|
 * artifacts|show|cards ... --json`, and the timeline/compare/lineage/graph routes' functions),
 * copied read-only, with the `cost` fields zeroed (NO_COST) and card HTML left out. Two runs of
 * TrainingFlow: one succeeded (a foreach over 3 learning rates, a card, a @catch step), one
 * failed (a FloatingPointError in a foreach task, retried once).
 */
import type { FlowGraph } from '../src/protocol';
import type { ArtifactList, ArtifactPreview, CardList, Comparison, Cost, FailureReport, Lineage, LogExcerpt, RunPage, RunSummary, TaskList, Timeline } from '../src/ui/types';

/** The answers' `cost` (what the query read): the UI never shows it, so the fixtures keep zeros. */
export const NO_COST: Cost = { files_read: 0, bytes_read: 0, dirs_listed: 0, stats: 0, requests: 0 };

export const OK_RUN = 'TrainingFlow/1795734765102659';
export const FAILED_RUN = 'TrainingFlow/1795734765081785';

export const RUNS: RunPage = {
 "runs": [
  {
   "pathspec": "TrainingFlow/1795734765102659",
   "flow": "TrainingFlow",
   "run_id": "1795734765102659",
   "status": "succeeded",
   "started_at": 1795734765.103,
   "finished_at": 1795734773.1162186,
   "duration_s": 8.013218641281128,
   "user": "demo",
   "tags": [
    "baseline"
   ],
   "system_tags": [
    "metaflow_version:2.19.39",
    "python_version:3.11.7",
    "runtime:dev",
    "user:demo"
   ],
   "parameters": {
    "epochs": "3",
    "learning_rates": "'0.01,0.1,0.5'"
   },
   "origin_run_id": null
  },
  {
   "pathspec": "TrainingFlow/1795734765081785",
   "flow": "TrainingFlow",
   "run_id": "1795734765081785",
   "status": "failed",
   "started_at": 1795734765.083,
   "finished_at": 1795734768.9441912,
   "duration_s": 3.8611912727355957,
   "user": "demo",
   "tags": [
    "sweep"
   ],
   "system_tags": [
    "metaflow_version:2.19.39",
    "python_version:3.11.7",
    "runtime:dev",
    "user:demo"
   ],
   "parameters": {
    "epochs": "3",
    "learning_rates": "'0.01,0.1,50'"
   },
   "origin_run_id": null
  }
 ],
 "next_cursor": null,
 "scanned": 2,
 "cost": NO_COST,
 "problems": []
};

export const SUMMARIES: Record<string, RunSummary> = {
 [OK_RUN]: {
 "run": {
  "pathspec": "TrainingFlow/1795734765102659",
  "flow": "TrainingFlow",
  "run_id": "1795734765102659",
  "status": "succeeded",
  "started_at": 1795734765.103,
  "finished_at": 1795734773.1162186,
  "duration_s": 8.013218641281128,
  "user": "demo",
  "tags": [
   "baseline"
  ],
  "system_tags": [
   "metaflow_version:2.19.39",
   "python_version:3.11.7",
   "runtime:dev",
   "user:demo"
  ],
  "parameters": {
   "epochs": "3",
   "learning_rates": "'0.01,0.1,0.5'"
  },
  "origin_run_id": null
 },
 "steps": [
  {
   "name": "start",
   "tasks": {
    "running": 0,
    "succeeded": 1,
    "failed": 0
   },
   "started_at": 1795734765.9535618,
   "finished_at": 1795734766.0948625,
   "duration_s": 0.14130067825317383,
   "first_failure": null
  },
  {
   "name": "train",
   "tasks": {
    "running": 0,
    "succeeded": 3,
    "failed": 0
   },
   "started_at": 1795734767.6749086,
   "finished_at": 1795734768.18637,
   "duration_s": 0.5114612579345703,
   "first_failure": null
  },
  {
   "name": "choose",
   "tasks": {
    "running": 0,
    "succeeded": 1,
    "failed": 0
   },
   "started_at": 1795734768.7324083,
   "finished_at": 1795734768.8810897,
   "duration_s": 0.1486814022064209,
   "first_failure": null
  },
  {
   "name": "publish",
   "tasks": {
    "running": 0,
    "succeeded": 1,
    "failed": 0
   },
   "started_at": 1795734769.4131713,
   "finished_at": 1795734769.553502,
   "duration_s": 0.14033079147338867,
   "first_failure": null
  },
  {
   "name": "report",
   "tasks": {
    "running": 0,
    "succeeded": 1,
    "failed": 0
   },
   "started_at": 1795734770.0889428,
   "finished_at": 1795734771.7235572,
   "duration_s": 1.6346144676208496,
   "first_failure": null
  },
  {
   "name": "evaluate",
   "tasks": {
    "running": 0,
    "succeeded": 1,
    "failed": 0
   },
   "started_at": 1795734770.0923214,
   "finished_at": 1795734770.2322454,
   "duration_s": 0.1399240493774414,
   "first_failure": null
  },
  {
   "name": "summarize",
   "tasks": {
    "running": 0,
    "succeeded": 1,
    "failed": 0
   },
   "started_at": 1795734772.3011618,
   "finished_at": 1795734772.456828,
   "duration_s": 0.15566635131835938,
   "first_failure": null
  },
  {
   "name": "end",
   "tasks": {
    "running": 0,
    "succeeded": 1,
    "failed": 0
   },
   "started_at": 1795734772.9771314,
   "finished_at": 1795734773.1162186,
   "duration_s": 0.13908720016479492,
   "first_failure": null
  }
 ],
 "cost": NO_COST,
 "problems": []
},
 [FAILED_RUN]: {
 "run": {
  "pathspec": "TrainingFlow/1795734765081785",
  "flow": "TrainingFlow",
  "run_id": "1795734765081785",
  "status": "failed",
  "started_at": 1795734765.083,
  "finished_at": 1795734768.9441912,
  "duration_s": 3.8611912727355957,
  "user": "demo",
  "tags": [
   "sweep"
  ],
  "system_tags": [
   "metaflow_version:2.19.39",
   "python_version:3.11.7",
   "runtime:dev",
   "user:demo"
  ],
  "parameters": {
   "epochs": "3",
   "learning_rates": "'0.01,0.1,50'"
  },
  "origin_run_id": null
 },
 "steps": [
  {
   "name": "start",
   "tasks": {
    "running": 0,
    "succeeded": 1,
    "failed": 0
   },
   "started_at": 1795734765.8684795,
   "finished_at": 1795734766.041334,
   "duration_s": 0.17285442352294922,
   "first_failure": null
  },
  {
   "name": "train",
   "tasks": {
    "running": 0,
    "succeeded": 2,
    "failed": 1
   },
   "started_at": 1795734767.8009043,
   "finished_at": 1795734768.9441912,
   "duration_s": 1.143286943435669,
   "first_failure": {
    "pathspec": "TrainingFlow/1795734765081785/train/4",
    "step": "train",
    "task_id": "4",
    "attempt": 1,
    "exception_type": "builtins.FloatingPointError",
    "message": "training diverged at learning rate 50.0 (epoch 2)",
    "traceback": "Traceback (most recent call last):\n  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/task.py\", line 938, in run_step\n    self._exec_step_function(step_func, orig_step_func)\n  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/task.py\", line 147, in _exec_step_function\n    raise raised_exception\n  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/task.py\", line 113, in _exec_step_function\n    step_function()\n  File \"/work/main/test-fixtures/demo/flows/training_flow.py\", line 31, in train\n    raise FloatingPointError(f\"training diverged at learning rate {lr} (epoch {epoch})\")\nFloatingPointError: training diverged at learning rate 50.0 (epoch 2)\n",
    "stderr_tail": [
     "           ^^^^^^^^^^^^^^^^^^^^^^^^^",
     "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/tracing/__init__.py\", line 27, in wrapper_func",
     "    return func(args, kwargs)",
     "           ^^^^^^^^^^^^^^^^^^^^^",
     "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/_vendor/click/decorators.py\", line 21, in new_func",
     "    return f(get_current_context(), args, kwargs)",
     "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
     "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/cli_components/step_cmd.py\", line 171, in step",
     "    task.run_step(",
     "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/task.py\", line 938, in run_step",
     "    self._exec_step_function(step_func, orig_step_func)",
     "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/task.py\", line 147, in _exec_step_function",
     "    raise raised_exception",
     "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/task.py\", line 113, in _exec_step_function",
     "    step_function()",
     "  File \"/work/main/test-fixtures/demo/flows/training_flow.py\", line 31, in train",
     "    raise FloatingPointError(f\"training diverged at learning rate {lr} (epoch {epoch})\")",
     "FloatingPointError: training diverged at learning rate 50.0 (epoch 2)",
     "",
     "Task failed."
    ],
    "finished_at": 1795734768.9441912
   }
  }
 ],
 "cost": NO_COST,
 "problems": []
},
};

export const GRAPH: FlowGraph = {
 "flow": "TrainingFlow",
 "flow_doc": "Train one model per learning rate and keep the best.",
 "file": "training_flow.py",
 "flows": [
  "TrainingFlow"
 ],
 "steps": {
  "start": {
   "type": "split-foreach",
   "next": [
    "train"
   ],
   "foreach_artifact": "grid",
   "num_parallel": null,
   "matching_join": "choose",
   "condition": null,
   "switch_cases": null,
   "decorators": [],
   "line": 15,
   "doc": "Prepare the data set and the grid of learning rates.",
   "range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   },
   "name_range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   },
   "in_funcs": [],
   "source_file": null
  },
  "train": {
   "type": "linear",
   "next": [
    "choose"
   ],
   "foreach_artifact": null,
   "num_parallel": null,
   "matching_join": null,
   "condition": null,
   "switch_cases": null,
   "decorators": [
    {
     "name": "retry",
     "attributes": {
      "times": 1,
      "minutes_between_retries": 0
     },
     "range": {
      "line": 0,
      "column": 0,
      "end_line": 0,
      "end_column": 0
     }
    }
   ],
   "line": 23,
   "doc": "Fit y = w*x + b by gradient descent with this learning rate.",
   "range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   },
   "name_range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   },
   "in_funcs": [
    "start"
   ],
   "source_file": null
  },
  "choose": {
   "type": "join",
   "next": [
    "publish"
   ],
   "foreach_artifact": null,
   "num_parallel": null,
   "matching_join": null,
   "condition": null,
   "switch_cases": null,
   "decorators": [],
   "line": 38,
   "doc": "Keep the model with the lowest loss.",
   "range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   },
   "name_range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   },
   "in_funcs": [
    "train"
   ],
   "source_file": null
  },
  "publish": {
   "type": "split-static",
   "next": [
    "evaluate",
    "report"
   ],
   "foreach_artifact": null,
   "num_parallel": null,
   "matching_join": "summarize",
   "condition": null,
   "switch_cases": null,
   "decorators": [],
   "line": 45,
   "doc": "Evaluate and report the chosen model in parallel branches.",
   "range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   },
   "name_range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   },
   "in_funcs": [
    "choose"
   ],
   "source_file": null
  },
  "evaluate": {
   "type": "linear",
   "next": [
    "summarize"
   ],
   "foreach_artifact": null,
   "num_parallel": null,
   "matching_join": null,
   "condition": null,
   "switch_cases": null,
   "decorators": [
    {
     "name": "catch",
     "attributes": {
      "var": "eval_error",
      "print_exception": true
     },
     "range": {
      "line": 0,
      "column": 0,
      "end_line": 0,
      "end_column": 0
     }
    }
   ],
   "line": 51,
   "doc": "Check the chosen model on held-out points.",
   "range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   },
   "name_range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   },
   "in_funcs": [
    "publish"
   ],
   "source_file": null
  },
  "report": {
   "type": "linear",
   "next": [
    "summarize"
   ],
   "foreach_artifact": null,
   "num_parallel": null,
   "matching_join": null,
   "condition": null,
   "switch_cases": null,
   "decorators": [
    {
     "name": "card",
     "attributes": {
      "type": "default",
      "options": {},
      "scope": "task",
      "rank": "None",
      "timeout": 45,
      "id": "None",
      "save_errors": true,
      "customize": false,
      "refresh_interval": 5
     },
     "range": {
      "line": 0,
      "column": 0,
      "end_line": 0,
      "end_column": 0
     }
    }
   ],
   "line": 59,
   "doc": "Describe the chosen model.",
   "range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   },
   "name_range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   },
   "in_funcs": [
    "publish"
   ],
   "source_file": null
  },
  "summarize": {
   "type": "join",
   "next": [
    "end"
   ],
   "foreach_artifact": null,
   "num_parallel": null,
   "matching_join": null,
   "condition": null,
   "switch_cases": null,
   "decorators": [],
   "line": 65,
   "doc": "Bring the evaluation and the report together.",
   "range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   },
   "name_range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   },
   "in_funcs": [
    "evaluate",
    "report"
   ],
   "source_file": null
  },
  "end": {
   "type": "end",
   "next": [],
   "foreach_artifact": null,
   "num_parallel": null,
   "matching_join": null,
   "condition": null,
   "switch_cases": null,
   "decorators": [],
   "line": 73,
   "doc": "Done.",
   "range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   },
   "name_range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   },
   "in_funcs": [
    "summarize"
   ],
   "source_file": null
  }
 },
 "graph_structure": [
  "start",
  [
   [
    "train"
   ]
  ],
  "choose",
  "publish",
  [
   [
    "evaluate"
   ],
   [
    "report"
   ]
  ],
  "summarize",
  "end"
 ],
 "parameters": [
  {
   "name": "epochs",
   "attribute": "epochs",
   "kind": "parameter",
   "type": null,
   "default": null,
   "default_is_literal": true,
   "help": null,
   "required": false,
   "range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   }
  },
  {
   "name": "learning_rates",
   "attribute": "learning_rates",
   "kind": "parameter",
   "type": null,
   "default": null,
   "default_is_literal": true,
   "help": null,
   "required": false,
   "range": {
    "line": 0,
    "column": 0,
    "end_line": 0,
    "end_column": 0
   }
  }
 ],
 "flow_decorators": [],
 "diagnostics": []
} as FlowGraph;

export const TIMELINES: Record<string, Timeline> = {
 [OK_RUN]: {
 "run": "TrainingFlow/1795734765102659",
 "started_at": 1795734765.103,
 "finished_at": 1795734773.1162186,
 "bars": [
  {
   "pathspec": "TrainingFlow/1795734765102659/start/1",
   "step": "start",
   "task_id": "1",
   "attempt": 0,
   "status": "succeeded",
   "started_at": 1795734765.955,
   "finished_at": 1795734765.961
  },
  {
   "pathspec": "TrainingFlow/1795734765102659/train/2",
   "step": "train",
   "task_id": "2",
   "attempt": 0,
   "status": "succeeded",
   "started_at": 1795734767.686,
   "finished_at": 1795734767.726
  },
  {
   "pathspec": "TrainingFlow/1795734765102659/train/3",
   "step": "train",
   "task_id": "3",
   "attempt": 0,
   "status": "succeeded",
   "started_at": 1795734767.695,
   "finished_at": 1795734767.739
  },
  {
   "pathspec": "TrainingFlow/1795734765102659/train/4",
   "step": "train",
   "task_id": "4",
   "attempt": 0,
   "status": "succeeded",
   "started_at": 1795734767.705,
   "finished_at": 1795734767.741
  },
  {
   "pathspec": "TrainingFlow/1795734765102659/choose/5",
   "step": "choose",
   "task_id": "5",
   "attempt": 0,
   "status": "succeeded",
   "started_at": 1795734768.737,
   "finished_at": 1795734768.745
  },
  {
   "pathspec": "TrainingFlow/1795734765102659/publish/6",
   "step": "publish",
   "task_id": "6",
   "attempt": 0,
   "status": "succeeded",
   "started_at": 1795734769.415,
   "finished_at": 1795734769.421
  },
  {
   "pathspec": "TrainingFlow/1795734765102659/report/8",
   "step": "report",
   "task_id": "8",
   "attempt": 0,
   "status": "succeeded",
   "started_at": 1795734770.09,
   "finished_at": 1795734770.098
  },
  {
   "pathspec": "TrainingFlow/1795734765102659/evaluate/7",
   "step": "evaluate",
   "task_id": "7",
   "attempt": 0,
   "status": "succeeded",
   "started_at": 1795734770.094,
   "finished_at": 1795734770.102
  },
  {
   "pathspec": "TrainingFlow/1795734765102659/summarize/9",
   "step": "summarize",
   "task_id": "9",
   "attempt": 0,
   "status": "succeeded",
   "started_at": 1795734772.304,
   "finished_at": 1795734772.312
  },
  {
   "pathspec": "TrainingFlow/1795734765102659/end/10",
   "step": "end",
   "task_id": "10",
   "attempt": 0,
   "status": "succeeded",
   "started_at": 1795734772.979,
   "finished_at": 1795734772.985
  }
 ],
 "cost": NO_COST,
 "problems": []
},
 [FAILED_RUN]: {
 "run": "TrainingFlow/1795734765081785",
 "started_at": 1795734765.083,
 "finished_at": 1795734768.9441912,
 "bars": [
  {
   "pathspec": "TrainingFlow/1795734765081785/start/1",
   "step": "start",
   "task_id": "1",
   "attempt": 0,
   "status": "succeeded",
   "started_at": 1795734765.87,
   "finished_at": 1795734765.877
  },
  {
   "pathspec": "TrainingFlow/1795734765081785/train/2",
   "step": "train",
   "task_id": "2",
   "attempt": 0,
   "status": "succeeded",
   "started_at": 1795734767.812,
   "finished_at": 1795734767.835
  },
  {
   "pathspec": "TrainingFlow/1795734765081785/train/3",
   "step": "train",
   "task_id": "3",
   "attempt": 0,
   "status": "succeeded",
   "started_at": 1795734767.823,
   "finished_at": 1795734767.839
  },
  {
   "pathspec": "TrainingFlow/1795734765081785/train/4",
   "step": "train",
   "task_id": "4",
   "attempt": 0,
   "status": "failed",
   "started_at": 1795734767.837,
   "finished_at": 1795734767.874
  },
  {
   "pathspec": "TrainingFlow/1795734765081785/train/4",
   "step": "train",
   "task_id": "4",
   "attempt": 1,
   "status": "failed",
   "started_at": 1795734768.791,
   "finished_at": 1795734768.801
  }
 ],
 "cost": NO_COST,
 "problems": []
},
};

export const FAILURES: FailureReport = {
 "run": "TrainingFlow/1795734765081785",
 "failures": [
  {
   "pathspec": "TrainingFlow/1795734765081785/train/4",
   "step": "train",
   "task_id": "4",
   "attempt": 1,
   "exception_type": "builtins.FloatingPointError",
   "message": "training diverged at learning rate 50.0 (epoch 2)",
   "traceback": "Traceback (most recent call last):\n  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/task.py\", line 938, in run_step\n    self._exec_step_function(step_func, orig_step_func)\n  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/task.py\", line 147, in _exec_step_function\n    raise raised_exception\n  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/task.py\", line 113, in _exec_step_function\n    step_function()\n  File \"/work/main/test-fixtures/demo/flows/training_flow.py\", line 31, in train\n    raise FloatingPointError(f\"training diverged at learning rate {lr} (epoch {epoch})\")\nFloatingPointError: training diverged at learning rate 50.0 (epoch 2)\n",
   "stderr_tail": [
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^",
    "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/tracing/__init__.py\", line 27, in wrapper_func",
    "    return func(args, kwargs)",
    "           ^^^^^^^^^^^^^^^^^^^^^",
    "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/_vendor/click/decorators.py\", line 21, in new_func",
    "    return f(get_current_context(), args, kwargs)",
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/cli_components/step_cmd.py\", line 171, in step",
    "    task.run_step(",
    "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/task.py\", line 938, in run_step",
    "    self._exec_step_function(step_func, orig_step_func)",
    "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/task.py\", line 147, in _exec_step_function",
    "    raise raised_exception",
    "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/task.py\", line 113, in _exec_step_function",
    "    step_function()",
    "  File \"/work/main/test-fixtures/demo/flows/training_flow.py\", line 31, in train",
    "    raise FloatingPointError(f\"training diverged at learning rate {lr} (epoch {epoch})\")",
    "FloatingPointError: training diverged at learning rate 50.0 (epoch 2)",
    "",
    "Task failed."
   ],
   "finished_at": 1795734768.9441912
  }
 ],
 "truncated": false,
 "tasks_examined": 4,
 "cost": NO_COST,
 "problems": []
};

/** Tasks by step, per run. */
export const TASKS: Record<string, Record<string, TaskList>> = {
 [OK_RUN]: {
 "start": {
  "step": "TrainingFlow/1795734765102659/start",
  "tasks": [
   {
    "pathspec": "TrainingFlow/1795734765102659/start/1",
    "step": "start",
    "task_id": "1",
    "attempt": 0,
    "status": "succeeded",
    "finished_at": 1795734766.0948625
   }
  ],
  "truncated": false,
  "tasks_examined": 1,
  "cost": NO_COST,
  "problems": []
 },
 "train": {
  "step": "TrainingFlow/1795734765102659/train",
  "tasks": [
   {
    "pathspec": "TrainingFlow/1795734765102659/train/2",
    "step": "train",
    "task_id": "2",
    "attempt": 0,
    "status": "succeeded",
    "finished_at": 1795734768.1849208
   },
   {
    "pathspec": "TrainingFlow/1795734765102659/train/3",
    "step": "train",
    "task_id": "3",
    "attempt": 0,
    "status": "succeeded",
    "finished_at": 1795734768.18637
   },
   {
    "pathspec": "TrainingFlow/1795734765102659/train/4",
    "step": "train",
    "task_id": "4",
    "attempt": 0,
    "status": "succeeded",
    "finished_at": 1795734768.1806102
   }
  ],
  "truncated": false,
  "tasks_examined": 3,
  "cost": NO_COST,
  "problems": []
 },
 "choose": {
  "step": "TrainingFlow/1795734765102659/choose",
  "tasks": [
   {
    "pathspec": "TrainingFlow/1795734765102659/choose/5",
    "step": "choose",
    "task_id": "5",
    "attempt": 0,
    "status": "succeeded",
    "finished_at": 1795734768.8810897
   }
  ],
  "truncated": false,
  "tasks_examined": 1,
  "cost": NO_COST,
  "problems": []
 },
 "publish": {
  "step": "TrainingFlow/1795734765102659/publish",
  "tasks": [
   {
    "pathspec": "TrainingFlow/1795734765102659/publish/6",
    "step": "publish",
    "task_id": "6",
    "attempt": 0,
    "status": "succeeded",
    "finished_at": 1795734769.553502
   }
  ],
  "truncated": false,
  "tasks_examined": 1,
  "cost": NO_COST,
  "problems": []
 },
 "evaluate": {
  "step": "TrainingFlow/1795734765102659/evaluate",
  "tasks": [
   {
    "pathspec": "TrainingFlow/1795734765102659/evaluate/7",
    "step": "evaluate",
    "task_id": "7",
    "attempt": 0,
    "status": "succeeded",
    "finished_at": 1795734770.2322454
   }
  ],
  "truncated": false,
  "tasks_examined": 1,
  "cost": NO_COST,
  "problems": []
 },
 "report": {
  "step": "TrainingFlow/1795734765102659/report",
  "tasks": [
   {
    "pathspec": "TrainingFlow/1795734765102659/report/8",
    "step": "report",
    "task_id": "8",
    "attempt": 0,
    "status": "succeeded",
    "finished_at": 1795734771.7235572
   }
  ],
  "truncated": false,
  "tasks_examined": 1,
  "cost": NO_COST,
  "problems": []
 },
 "summarize": {
  "step": "TrainingFlow/1795734765102659/summarize",
  "tasks": [
   {
    "pathspec": "TrainingFlow/1795734765102659/summarize/9",
    "step": "summarize",
    "task_id": "9",
    "attempt": 0,
    "status": "succeeded",
    "finished_at": 1795734772.456828
   }
  ],
  "truncated": false,
  "tasks_examined": 1,
  "cost": NO_COST,
  "problems": []
 },
 "end": {
  "step": "TrainingFlow/1795734765102659/end",
  "tasks": [
   {
    "pathspec": "TrainingFlow/1795734765102659/end/10",
    "step": "end",
    "task_id": "10",
    "attempt": 0,
    "status": "succeeded",
    "finished_at": 1795734773.1162186
   }
  ],
  "truncated": false,
  "tasks_examined": 1,
  "cost": NO_COST,
  "problems": []
 }
},
 [FAILED_RUN]: {
 "start": {
  "step": "TrainingFlow/1795734765081785/start",
  "tasks": [
   {
    "pathspec": "TrainingFlow/1795734765081785/start/1",
    "step": "start",
    "task_id": "1",
    "attempt": 0,
    "status": "succeeded",
    "finished_at": 1795734766.041334
   }
  ],
  "truncated": false,
  "tasks_examined": 1,
  "cost": NO_COST,
  "problems": []
 },
 "train": {
  "step": "TrainingFlow/1795734765081785/train",
  "tasks": [
   {
    "pathspec": "TrainingFlow/1795734765081785/train/4",
    "step": "train",
    "task_id": "4",
    "attempt": 1,
    "status": "failed",
    "finished_at": 1795734768.9441912
   },
   {
    "pathspec": "TrainingFlow/1795734765081785/train/2",
    "step": "train",
    "task_id": "2",
    "attempt": 0,
    "status": "succeeded",
    "finished_at": 1795734768.252401
   },
   {
    "pathspec": "TrainingFlow/1795734765081785/train/3",
    "step": "train",
    "task_id": "3",
    "attempt": 0,
    "status": "succeeded",
    "finished_at": 1795734768.2341378
   }
  ],
  "truncated": false,
  "tasks_examined": 3,
  "cost": NO_COST,
  "problems": []
 }
},
};

export const LOG_STDOUT: LogExcerpt = {
 "pathspec": "TrainingFlow/1795734765102659/train/2",
 "stream": "stdout",
 "attempt": 0,
 "lines": [
  {
   "text": "lr=0.01: w=1.299 b=7.915",
   "timestamp": 1795734767.711793,
   "source": "runtime"
  }
 ],
 "truncated": false,
 "log_bytes": 107,
 "available": true,
 "cost": NO_COST,
 "problems": []
};
export const LOG_STDERR: LogExcerpt = {
 "pathspec": "TrainingFlow/1795734765081785/train/4",
 "stream": "stderr",
 "attempt": 1,
 "lines": [
  {
   "text": "<flow TrainingFlow step train[2] (input: 50.0)> failed:",
   "timestamp": 1795734768.803822,
   "source": "runtime"
  },
  {
   "text": "    Internal error",
   "timestamp": 1795734768.807493,
   "source": "runtime"
  },
  {
   "text": "Traceback (most recent call last):",
   "timestamp": 1795734768.811226,
   "source": "runtime"
  },
  {
   "text": "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/cli.py\", line 739, in main",
   "timestamp": 1795734768.811511,
   "source": "runtime"
  },
  {
   "text": "    start(auto_envvar_prefix=\"METAFLOW\", obj=state)",
   "timestamp": 1795734768.811618,
   "source": "runtime"
  },
  {
   "text": "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/_vendor/click/core.py\", line 829, in __call__",
   "timestamp": 1795734768.81178,
   "source": "runtime"
  },
  {
   "text": "    return self.main(args, kwargs)",
   "timestamp": 1795734768.811887,
   "source": "runtime"
  },
  {
   "text": "           ^^^^^^^^^^^^^^^^^^^^^^^^^^",
   "timestamp": 1795734768.812016,
   "source": "runtime"
  },
  {
   "text": "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/_vendor/click/core.py\", line 782, in main",
   "timestamp": 1795734768.812115,
   "source": "runtime"
  },
  {
   "text": "    rv = self.invoke(ctx)",
   "timestamp": 1795734768.812211,
   "source": "runtime"
  },
  {
   "text": "         ^^^^^^^^^^^^^^^^",
   "timestamp": 1795734768.812305,
   "source": "runtime"
  },
  {
   "text": "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/cli_components/utils.py\", line 69, in invoke",
   "timestamp": 1795734768.8124,
   "source": "runtime"
  },
  {
   "text": "    return _process_result(sub_ctx.command.invoke(sub_ctx))",
   "timestamp": 1795734768.812495,
   "source": "runtime"
  },
  {
   "text": "                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
   "timestamp": 1795734768.812589,
   "source": "runtime"
  },
  {
   "text": "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/_vendor/click/core.py\", line 1066, in invoke",
   "timestamp": 1795734768.812684,
   "source": "runtime"
  },
  {
   "text": "    return ctx.invoke(self.callback, ctx.params)",
   "timestamp": 1795734768.812787,
   "source": "runtime"
  },
  {
   "text": "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
   "timestamp": 1795734768.941737,
   "source": "runtime"
  },
  {
   "text": "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/_vendor/click/core.py\", line 610, in invoke",
   "timestamp": 1795734768.942,
   "source": "runtime"
  },
  {
   "text": "    return callback(args, kwargs)",
   "timestamp": 1795734768.942095,
   "source": "runtime"
  },
  {
   "text": "           ^^^^^^^^^^^^^^^^^^^^^^^^^",
   "timestamp": 1795734768.942179,
   "source": "runtime"
  },
  {
   "text": "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/tracing/__init__.py\", line 27, in wrapper_func",
   "timestamp": 1795734768.942261,
   "source": "runtime"
  },
  {
   "text": "    return func(args, kwargs)",
   "timestamp": 1795734768.942346,
   "source": "runtime"
  },
  {
   "text": "           ^^^^^^^^^^^^^^^^^^^^^",
   "timestamp": 1795734768.942425,
   "source": "runtime"
  },
  {
   "text": "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/_vendor/click/decorators.py\", line 21, in new_func",
   "timestamp": 1795734768.942504,
   "source": "runtime"
  },
  {
   "text": "    return f(get_current_context(), args, kwargs)",
   "timestamp": 1795734768.942584,
   "source": "runtime"
  },
  {
   "text": "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
   "timestamp": 1795734768.942664,
   "source": "runtime"
  },
  {
   "text": "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/cli_components/step_cmd.py\", line 171, in step",
   "timestamp": 1795734768.942743,
   "source": "runtime"
  },
  {
   "text": "    task.run_step(",
   "timestamp": 1795734768.942824,
   "source": "runtime"
  },
  {
   "text": "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/task.py\", line 938, in run_step",
   "timestamp": 1795734768.942901,
   "source": "runtime"
  },
  {
   "text": "    self._exec_step_function(step_func, orig_step_func)",
   "timestamp": 1795734768.943,
   "source": "runtime"
  },
  {
   "text": "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/task.py\", line 147, in _exec_step_function",
   "timestamp": 1795734768.94308,
   "source": "runtime"
  },
  {
   "text": "    raise raised_exception",
   "timestamp": 1795734768.943159,
   "source": "runtime"
  },
  {
   "text": "  File \"/work/main/.venv/lib/python3.11/site-packages/metaflow/task.py\", line 113, in _exec_step_function",
   "timestamp": 1795734768.943237,
   "source": "runtime"
  },
  {
   "text": "    step_function()",
   "timestamp": 1795734768.943315,
   "source": "runtime"
  },
  {
   "text": "  File \"/work/main/test-fixtures/demo/flows/training_flow.py\", line 31, in train",
   "timestamp": 1795734768.943393,
   "source": "runtime"
  },
  {
   "text": "    raise FloatingPointError(f\"training diverged at learning rate {lr} (epoch {epoch})\")",
   "timestamp": 1795734768.943473,
   "source": "runtime"
  },
  {
   "text": "FloatingPointError: training diverged at learning rate 50.0 (epoch 2)",
   "timestamp": 1795734768.943553,
   "source": "runtime"
  },
  {
   "text": "",
   "timestamp": 1795734768.943633,
   "source": "runtime"
  },
  {
   "text": "Task failed.",
   "timestamp": 1795734768.944272,
   "source": "runtime"
  }
 ],
 "truncated": false,
 "log_bytes": 5584,
 "available": true,
 "cost": NO_COST,
 "problems": []
};
export const ARTIFACTS_END: ArtifactList = {
 "scope": "TrainingFlow/1795734765102659/end/10",
 "artifacts": [
  {
   "pathspec": "TrainingFlow/1795734765102659/end/10",
   "name": "epochs",
   "sha": "f985b91548a08fb73bb3a8c382a3e8e021f7fcfc",
   "size": 5,
   "type": "builtins.int",
   "encoding": "pickle-v4",
   "attempt": 0
  },
  {
   "pathspec": "TrainingFlow/1795734765102659/end/10",
   "name": "learning_rates",
   "sha": "a8f0b4f0ff263b55cad08d8299ab2eeeafc9762d",
   "size": 27,
   "type": "builtins.str",
   "encoding": "pickle-v4",
   "attempt": 0
  },
  {
   "pathspec": "TrainingFlow/1795734765102659/end/10",
   "name": "loss",
   "sha": "7127af192c35c17bc0a72c9bb1569f1d593d6c81",
   "size": 21,
   "type": "builtins.float",
   "encoding": "pickle-v4",
   "attempt": 0
  },
  {
   "pathspec": "TrainingFlow/1795734765102659/end/10",
   "name": "lr",
   "sha": "68cf2a0a9f73a5883fcbe867cb277a6ec8637603",
   "size": 21,
   "type": "builtins.float",
   "encoding": "pickle-v4",
   "attempt": 0
  },
  {
   "pathspec": "TrainingFlow/1795734765102659/end/10",
   "name": "model",
   "sha": "810e24c3bcb56b020e69ef001ee168e9aae312d5",
   "size": 32,
   "type": "builtins.tuple",
   "encoding": "pickle-v4",
   "attempt": 0
  },
  {
   "pathspec": "TrainingFlow/1795734765102659/end/10",
   "name": "name",
   "sha": "34b331e2e496c921d330e68340abd8ce55dd6261",
   "size": 27,
   "type": "builtins.str",
   "encoding": "pickle-v4",
   "attempt": 0
  },
  {
   "pathspec": "TrainingFlow/1795734765102659/end/10",
   "name": "summary",
   "sha": "888f07ed26d722bd2b99ab8e8f7ee622773271f0",
   "size": 33,
   "type": "builtins.str",
   "encoding": "pickle-v4",
   "attempt": 0
  },
  {
   "pathspec": "TrainingFlow/1795734765102659/end/10",
   "name": "test_error",
   "sha": "d7487699019d912ab7b009fa15aa25a139631431",
   "size": 21,
   "type": "builtins.float",
   "encoding": "pickle-v4",
   "attempt": 0
  }
 ],
 "truncated": false,
 "tasks_examined": 1,
 "cost": NO_COST,
 "problems": []
};
export const PREVIEW_MODEL: ArtifactPreview = {
 "pathspec": "TrainingFlow/1795734765102659/end/10",
 "name": "model",
 "type": "builtins.tuple",
 "size": 32,
 "kind": "sequence",
 "preview": "(1.9999970024666305, 1.0000339112170493)",
 "truncated": false,
 "shape": [
  2
 ],
 "dtype": null,
 "columns": null,
 "cost": NO_COST,
 "problems": []
};
export const CARDS: CardList = {
 "pathspec": "TrainingFlow/1795734765102659/report/8",
 "cards": [
  {
   "pathspec": "TrainingFlow/1795734765102659/report/8",
   "type": "default",
   "id": null,
   "hash": "f3347731551248c4a81aa3a727083f56",
   "size": 1109438,
   "html": null
  }
 ],
 "cost": NO_COST,
 "problems": []
};
export const COMPARISON: Comparison = {
 "runs": [
  "TrainingFlow/1795734765102659",
  "TrainingFlow/1795734765081785"
 ],
 "parameters": [
  {
   "name": "epochs",
   "values": [
    "3",
    "3"
   ],
   "differs": false
  },
  {
   "name": "learning_rates",
   "values": [
    "'0.01,0.1,0.5'",
    "'0.01,0.1,50'"
   ],
   "differs": true
  }
 ],
 "artifacts": [
  {
   "step": "start",
   "name": "data",
   "status": "same",
   "shas": [
    "62a3a6209807e695b1becb927ac2a2fc160c4d00",
    "62a3a6209807e695b1becb927ac2a2fc160c4d00"
   ],
   "types": [
    "builtins.list",
    "builtins.list"
   ],
   "sizes": [
    136,
    136
   ],
   "values": [
    null,
    null
   ],
   "numbers": null
  },
  {
   "step": "start",
   "name": "grid",
   "status": "changed",
   "shas": [
    "8f71cf91662ce465e76d7d7556f9401354f97da0",
    "c468fb965ad5b2b26b3a77293fe587e95a27e09e"
   ],
   "types": [
    "builtins.list",
    "builtins.list"
   ],
   "sizes": [
    43,
    43
   ],
   "values": [
    null,
    null
   ],
   "numbers": null
  },
  {
   "step": "train",
   "name": "loss",
   "status": "changed",
   "shas": [
    "7d1195bc5954c484c403b232b8407b5a19695a8f",
    "d598b08056048697bbd2c161fbcb0271116258e6"
   ],
   "types": [
    "builtins.float",
    "builtins.float"
   ],
   "sizes": [
    63,
    42
   ],
   "values": [
    null,
    null
   ],
   "numbers": null
  },
  {
   "step": "train",
   "name": "lr",
   "status": "changed",
   "shas": [
    "22e4cde4ae37d2541a54671bc4623e1af0e71a9e",
    "f112dc0748cf0f3c96460bf95adfc2fd8b953c74"
   ],
   "types": [
    "builtins.float",
    "builtins.float"
   ],
   "sizes": [
    63,
    42
   ],
   "values": [
    null,
    null
   ],
   "numbers": null
  },
  {
   "step": "train",
   "name": "model",
   "status": "changed",
   "shas": [
    "a312c2384d8c07ddc2ce1872c0cc86556f2daff9",
    "7ecd6eeb7164f4fe8a328e2c9812d1526f0c7bbb"
   ],
   "types": [
    "builtins.tuple",
    "builtins.tuple"
   ],
   "sizes": [
    96,
    64
   ],
   "values": [
    null,
    null
   ],
   "numbers": null
  },
  {
   "step": "evaluate",
   "name": "eval_error",
   "status": "removed",
   "shas": [
    "dbc1aaddc8b7343d6d33b34edcf608b8f8801918",
    null
   ],
   "types": [
    "builtins.NoneType",
    null
   ],
   "sizes": [
    4,
    null
   ],
   "values": [
    "None",
    null
   ],
   "numbers": null
  },
  {
   "step": "evaluate",
   "name": "test_error",
   "status": "removed",
   "shas": [
    "d7487699019d912ab7b009fa15aa25a139631431",
    null
   ],
   "types": [
    "builtins.float",
    null
   ],
   "sizes": [
    21,
    null
   ],
   "values": [
    "3.802958381271537e-05",
    null
   ],
   "numbers": [
    3.802958381271537e-05,
    null
   ]
  },
  {
   "step": "report",
   "name": "summary",
   "status": "removed",
   "shas": [
    "888f07ed26d722bd2b99ab8e8f7ee622773271f0",
    null
   ],
   "types": [
    "builtins.str",
    null
   ],
   "sizes": [
    33,
    null
   ],
   "values": [
    "'lr=0.5 loss=0.0000'",
    null
   ],
   "numbers": null
  }
 ],
 "steps": [
  {
   "name": "start",
   "durations": [
    0.006000041961669922,
    0.0070002079010009766
   ],
   "statuses": [
    "succeeded",
    "succeeded"
   ]
  },
  {
   "name": "train",
   "durations": [
    0.05499982833862305,
    0.9890000820159912
   ],
   "statuses": [
    "succeeded",
    "failed"
   ]
  },
  {
   "name": "choose",
   "durations": [
    0.007999897003173828,
    null
   ],
   "statuses": [
    "succeeded",
    null
   ]
  },
  {
   "name": "publish",
   "durations": [
    0.006000041961669922,
    null
   ],
   "statuses": [
    "succeeded",
    null
   ]
  },
  {
   "name": "evaluate",
   "durations": [
    0.007999897003173828,
    null
   ],
   "statuses": [
    "succeeded",
    null
   ]
  },
  {
   "name": "report",
   "durations": [
    0.00800013542175293,
    null
   ],
   "statuses": [
    "succeeded",
    null
   ]
  },
  {
   "name": "summarize",
   "durations": [
    0.00800013542175293,
    null
   ],
   "statuses": [
    "succeeded",
    null
   ]
  },
  {
   "name": "end",
   "durations": [
    0.00599980354309082,
    null
   ],
   "statuses": [
    "succeeded",
    null
   ]
  }
 ],
 "cost": NO_COST,
 "problems": []
};
export const LINEAGE: Lineage = {
 "run": "TrainingFlow/1795734765102659",
 "artifact": "model",
 "nodes": [
  {
   "id": "TrainingFlow/1795734765102659/train",
   "run": "TrainingFlow/1795734765102659",
   "step": "train",
   "role": "produced",
   "sha": null,
   "tasks": 3
  },
  {
   "id": "TrainingFlow/1795734765102659/choose",
   "run": "TrainingFlow/1795734765102659",
   "step": "choose",
   "role": "passed",
   "sha": "810e24c3bcb56b020e69ef001ee168e9aae312d5",
   "tasks": 1
  },
  {
   "id": "TrainingFlow/1795734765102659/publish",
   "run": "TrainingFlow/1795734765102659",
   "step": "publish",
   "role": "passed",
   "sha": "810e24c3bcb56b020e69ef001ee168e9aae312d5",
   "tasks": 1
  },
  {
   "id": "TrainingFlow/1795734765102659/evaluate",
   "run": "TrainingFlow/1795734765102659",
   "step": "evaluate",
   "role": "read",
   "sha": "810e24c3bcb56b020e69ef001ee168e9aae312d5",
   "tasks": 1
  },
  {
   "id": "TrainingFlow/1795734765102659/report",
   "run": "TrainingFlow/1795734765102659",
   "step": "report",
   "role": "passed",
   "sha": "810e24c3bcb56b020e69ef001ee168e9aae312d5",
   "tasks": 1
  },
  {
   "id": "TrainingFlow/1795734765102659/summarize",
   "run": "TrainingFlow/1795734765102659",
   "step": "summarize",
   "role": "passed",
   "sha": "810e24c3bcb56b020e69ef001ee168e9aae312d5",
   "tasks": 1
  },
  {
   "id": "TrainingFlow/1795734765102659/end",
   "run": "TrainingFlow/1795734765102659",
   "step": "end",
   "role": "passed",
   "sha": "810e24c3bcb56b020e69ef001ee168e9aae312d5",
   "tasks": 1
  }
 ],
 "edges": [
  {
   "source": "TrainingFlow/1795734765102659/train",
   "target": "TrainingFlow/1795734765102659/choose",
   "kind": "flow"
  },
  {
   "source": "TrainingFlow/1795734765102659/choose",
   "target": "TrainingFlow/1795734765102659/publish",
   "kind": "flow"
  },
  {
   "source": "TrainingFlow/1795734765102659/publish",
   "target": "TrainingFlow/1795734765102659/evaluate",
   "kind": "flow"
  },
  {
   "source": "TrainingFlow/1795734765102659/publish",
   "target": "TrainingFlow/1795734765102659/report",
   "kind": "flow"
  },
  {
   "source": "TrainingFlow/1795734765102659/evaluate",
   "target": "TrainingFlow/1795734765102659/summarize",
   "kind": "flow"
  },
  {
   "source": "TrainingFlow/1795734765102659/report",
   "target": "TrainingFlow/1795734765102659/summarize",
   "kind": "flow"
  },
  {
   "source": "TrainingFlow/1795734765102659/summarize",
   "target": "TrainingFlow/1795734765102659/end",
   "kind": "flow"
  }
 ],
 "producers": [
  "TrainingFlow/1795734765102659/train"
 ],
 "readers": [
  "TrainingFlow/1795734765102659/evaluate"
 ],
 "cost": NO_COST,
 "problems": []
};
