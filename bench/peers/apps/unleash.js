// Unleash (frontend API / proxy client): start, one toggle, one variant.
import { UnleashClient } from 'unleash-proxy-client';

const unleash = new UnleashClient({ url: 'https://unleash.example.com/api/frontend', clientKey: 'client-demo', appName: 'shop', context: { userId: 'user-1' } });
await unleash.start();
document.body.dataset.checkout = unleash.isEnabled('new-checkout') ? 'new' : 'old';
document.body.dataset.banner = unleash.getVariant('home-banner').name;
