// Type test of hearth/widgets (run by `npm run test:types`): the subpath
// resolves through package.json "exports", the elements are in the DOM's tag
// and event maps, and a real Hearth or a look-alike object can be connected.
import { createHearth } from 'hearth';
import type { Pick } from 'hearth';
import { defineHearthElements, elements, HearthSlotElement, type ItemView, type WidgetSdk } from 'hearth/widgets';

const hearth = await createHearth();
const slot: HearthSlotElement = document.createElement('hearth-slot');
slot.hearth = hearth;
slot.resolveItem = (id: string): ItemView => ({ title: id, price: 12.5, image: `/img/${id}.svg` });
const picks: Pick[] = slot.picks;
void picks;
slot.addEventListener('hearth-pick', (e) => {
  const item: string = e.detail.item;
  const where: 'for_you' | 'wow' | 'deals' = e.detail.slot;
  void item, where;
});
document.createElement('hearth-mystery').connect(hearth).open().then(() => {});
document.querySelector('hearth-privacy-center')?.eraseAll();
const fake: WidgetSdk = { on: () => () => {}, game: { state: () => ({}) } };
document.createElement('hearth-points').connect(fake);
const tags: string[] = defineHearthElements({ prefix: 'shop' });
void tags;
const Points: typeof elements.points = elements.points;
void Points;
// @ts-expect-error: the slot name is a closed set
const wrong: HearthSlotElement['slotName'] = 'home';
void wrong;
