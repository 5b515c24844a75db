/** Every route the sandbox serves, in matching order. */
import { compileRoute, type CompiledRoute } from '../router.js';
import { activityRoutes } from './activities.js';
import { commentRoutes } from './comments.js';
import { cycleRoutes } from './cycles.js';
import { labelRoutes } from './labels.js';
import { linkRoutes } from './links.js';
import { moduleRoutes } from './modules.js';
import { projectRoutes } from './projects.js';
import { stateRoutes } from './states.js';
import { workItemLookupRoutes } from './work-item-lookup.js';
import { workItemRoutes } from './work-items.js';

export function allRoutes(): CompiledRoute[] {
  return [
    ...projectRoutes(),
    ...workItemLookupRoutes(),
    ...workItemRoutes(),
    ...commentRoutes(),
    ...activityRoutes(),
    ...linkRoutes(),
    ...stateRoutes(),
    ...labelRoutes(),
    ...cycleRoutes(),
    ...moduleRoutes(),
  ].map(compileRoute);
}
