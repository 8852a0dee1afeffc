/**
 * The flags every command that reads a model or a data set shares for numpy / safetensors files:
 * `--activation` (required when the model file carries none, checked when it does), `--key-W`/`--key-a`
 * (other state_dict layouts) and `--labels` (with `--data x.npy`).
 */
import type { Command } from 'commander';
import type { ModelReadOptions } from '../io/model-tensors.js';

export interface ModelReadFlags {
  activation?: string;
  keyW?: string;
  keyA?: string;
}

export function addModelReadOptions(cmd: Command): Command {
  return cmd
    .option(
      '--activation <name>',
      "the model's activation (relu, relu-pow:2, …): required for .npz/.safetensors models without one, checked against the file's otherwise",
    )
    .option('--key-W <key>', 'name of the first-layer weights W (m × d) in an .npz/.safetensors model')
    .option('--key-a <key>', 'name of the second-layer weights a (m, or 1 × m) in an .npz/.safetensors model');
}

export function modelReadOptions(flags: ModelReadFlags): ModelReadOptions {
  return { activation: flags.activation, keyW: flags.keyW, keyA: flags.keyA };
}

export const MODEL_FILE_HELP = 'model file (flatlab.model/1 .json, .npz or .safetensors)';

/** The inputs of a command that evaluates a model on a data set: --data, --model, then the tensor-file flags. */
export function addModelOnDataOptions(cmd: Command, dataHelp: string): Command {
  cmd.requiredOption('--data <file>', dataHelp).requiredOption('--model <file>', MODEL_FILE_HELP);
  return addModelReadOptions(addLabelsOption(cmd));
}

export function addLabelsOption(cmd: Command): Command {
  return cmd.option('--labels <file>', 'labels y (n) as .npy, when --data is an inputs .npy x (n × d)');
}
