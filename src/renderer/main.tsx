// Renderer entry: pick the API client for whichever front end loaded us, then mount the app.
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { chooseClient } from './client.js';
import './styles.css';

const root = document.getElementById('root');
if (root) createRoot(root).render(<App client={chooseClient()} />);
