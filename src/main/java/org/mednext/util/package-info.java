/** Small helpers shared by every stage: argument checks. */
package org.mednext.util;
