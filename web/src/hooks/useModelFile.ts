import { useRef, useState } from 'preact/hooks';
import type { LoadedModelReport } from '../loaded-model.js';
import type { ToWorker } from '../protocol.js';

export interface ModelFile {
  report: LoadedModelReport | null;
  error: string | null;
  busy: boolean;
  activation: string;
  /** The worker's answer about the last file sent. */
  received: (report: LoadedModelReport | null, error: string | null) => void;
  /** A model file chosen or dropped by the user. */
  choose: (f: File) => void;
  /** A new activation re-reads the last file with it. */
  changeActivation: (a: string) => void;
}

/** A model file the user supplies: its bytes go to the worker, which parses and measures it on the current data. */
export function useModelFile(send: (m: ToWorker) => void): ModelFile {
  const [model, setModel] = useState<{ report: LoadedModelReport | null; error: string | null; busy: boolean }>({
    report: null,
    error: null,
    busy: false,
  });
  const [activation, setActivation] = useState('relu');
  const activationRef = useRef(activation);
  activationRef.current = activation;
  const lastFile = useRef<File | null>(null);

  const load = (f: File, act = activationRef.current) => {
    setModel((m) => ({ ...m, busy: true, error: null }));
    f.arrayBuffer()
      .then((buf) => send({ type: 'model', name: f.name, bytes: new Uint8Array(buf), activation: act }))
      .catch((e: unknown) => setModel({ report: null, error: `cannot read ${f.name}: ${String(e)}`, busy: false }));
  };

  return {
    ...model,
    activation,
    received: (report, error) => setModel({ report, error, busy: false }),
    choose: (f) => {
      lastFile.current = f;
      load(f);
    },
    changeActivation: (a) => {
      setActivation(a);
      if (lastFile.current) load(lastFile.current, a);
    },
  };
}
