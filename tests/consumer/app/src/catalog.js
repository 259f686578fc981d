// The shop's catalog in the consumer app (one item is invalid on purpose).

export const CATALOG = [
  { id: 'trail-1', title: 'Ridge runner', category: 'Shoes > Trail', brand: 'Acme', price: 120, popularity: 40 },
  { id: 'trail-2', title: 'Mud hopper', category: 'Shoes > Trail', brand: 'Acme', price: 95, popularity: 30 },
  { id: 'city-1', title: 'Office loafer', category: 'Shoes > City', brand: 'Birch', price: 150, popularity: 90 },
  { id: 'tent-1', title: 'Two-person tent', category: 'Camping > Tents', brand: 'Fjell', price: 300, popularity: 70 },
  { id: 'mug-1', title: 'Enamel mug', category: 'Kitchen > Mugs', brand: 'Fjell', price: 12, popularity: 60 },
  { id: 'bad', title: 'No category', price: -1 },
];
