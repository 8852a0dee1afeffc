/**
 * Which activation a model read from a file has. flatlab JSON models carry one; numpy and safetensors
 * files usually do not (a state_dict holds weights only), so `--activation` is then required — and when
 * both exist they must agree, since measuring a ReLU net as if it were tanh gives wrong numbers silently.
 */
import { InputError } from '../errors.js';
import type { ActivationSpec } from '../model/activations.js';
import { activationToString, parseActivationString } from '../model/model-json.js';

export function resolveActivation(
  fromFile: ActivationSpec | null,
  flag: string | ActivationSpec | undefined,
  where: string,
): ActivationSpec {
  const given = typeof flag === 'string' ? parseActivationString(flag) : flag;
  if (!fromFile) {
    if (!given) {
      throw new InputError(
        `${where} carries no activation: give --activation (relu, leaky-relu:0.1, abs, relu-pow:2, tanh, …) for the σ it was trained with`,
      );
    }
    return given;
  }
  if (given && activationToString(given) !== activationToString(fromFile)) {
    throw new InputError(
      `${where}: --activation ${activationToString(given)} disagrees with the file's activation ${activationToString(fromFile)}`,
    );
  }
  return fromFile;
}
