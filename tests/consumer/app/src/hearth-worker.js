// The module worker of the README's Worker recipe: Hearth runs here.
import { serveHearth } from 'hearth/worker';

serveHearth();
