import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';
import './window.css';

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App api={window.lockstep} />
  </StrictMode>,
);
