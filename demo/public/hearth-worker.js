// The module worker behind /worker.html: Hearth runs here, off the page's
// main thread, and answers the page through hearth/worker's message API.
import { serveHearth } from '/hearth/worker/index.js';

serveHearth();
