import type { Snapshot } from '../hooks/useTrainingWorker.js';
import { QUANTITIES, tip } from '../quantities.js';
import { neuronChart } from './charts.js';
import { PlotView } from './PlotView.js';

/** Each live neuron's alignment against its mass, sized and coloured by |a_j|. */
export function NeuronPanel(props: { snap: Snapshot | null }) {
  const { snap } = props;
  return (
    <div class="panel">
      <h2 title={`${tip(QUANTITIES.align)}\nagainst ${tip(QUANTITIES.mass)}\nsize and colour: ${tip(QUANTITIES.absA)}`}>
        Neurons
      </h2>
      <PlotView
        make={() => (snap ? neuronChart(snap.neurons) : null)}
        deps={[snap?.neurons]}
        testid="neuron-chart"
        empty="no live neurons"
      />
    </div>
  );
}
