// docket/visualizer: workflow → state graph → elk layout → SVG, plus mermaid, JSON and the quarter timeline.
export { workflowSvg, workflowMermaid } from './draw-workflow.js';
export { stateGraph, activeStateIds, eventLabel, type StateGraph, type StateGraphNode, type StateGraphEdge, type StateKind, type StateDeadline } from './state-graph.js';
export { describeGuard, describeApproval, type GuardInfo, type ApprovalInfo } from './describe-meta.js';
export { layoutStateGraph, type DiagramLayout, type LaidOutNode, type LaidOutEdge, type InitialMarker, type Box, type Point, type LayoutOptions } from './layout-graph.js';
export { renderSvg, escapeXml, type RenderSvgOptions } from './render-svg.js';
export { toMermaid } from './to-mermaid.js';
export { nodeContent, edgeLines, type NodeContent } from './node-content.js';
export { textWidth, same, isBiText, LANGS, type BiText, type Lang } from './text-metrics.js';
export { quarterTimeline, type QuarterTimeline, type TimelineMilestone } from './quarter-timeline.js';
export { sampleValue, type SampleOptions } from './sample-value.js';
export { exampleContext } from './state-graph.js';
export { parseInstanceExport, INSTANCE_EXPORT_FORMAT, type InstanceExport } from './instance-export.js';
export { timerText, timerStateLabel, firedTimerState, type TimerTextInput } from './timer-text.js';
