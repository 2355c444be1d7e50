"""Trained - untrained (accuracy, pp, paired over episodes and training seeds) per cell of each study variant."""
import argparse, json, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from compare_training import side_cells, baseline_difference
COLS = ['brain_human K1', 'brain_human K5', 'fashion K1', 'fashion K5', 'ihc_dab K1', 'ihc_dab K5', 'textures K1', 'textures K5']
print('| variant | ' + ' | '.join(COLS) + ' | mean | above / below |')
print('|' + ' --- |' * (len(COLS) + 3))
ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument('--dir', default='.protobench/study')
ap.add_argument('names', nargs='+')
a = ap.parse_args()
for name in a.names:
    cells = side_cells(json.load(open(os.path.join(a.dir, name, 'torch.json'))), 'torch')
    vals=[]; ab=[0,0]; row=[]
    for (src, ds, task, k), c in sorted(cells.items()):
        if src != 'all-except-target': continue
        d = baseline_difference(c['accuracy'], cells[('untrained', ds, task, k)]['accuracy'])
        m, ci = 100*d['mean'], 100*d['ci95']
        vals.append(m); ab[0]+= m>ci; ab[1]+= m<-ci
        row.append(f"{m:+.1f} ± {ci:.1f}")
    print(f"| {name} | " + ' | '.join(row) + f" | {sum(vals)/len(vals):+.2f} | {ab[0]} / {ab[1]} |")
