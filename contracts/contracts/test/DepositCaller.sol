// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { Portal } from "../L1/Portal.sol";
import { Types } from "../lib/Types.sol";

/// @notice Test helper: a contract that deposits through the portal (its L2 sender must be aliased).
contract DepositCaller {
    function deposit(Portal _portal, address _to, uint64 _gasLimit, bytes calldata _data) external payable {
        _portal.depositTransaction{ value: msg.value }(_to, msg.value, _gasLimit, false, _data);
    }
}

/// @notice Test helper: a withdrawal target that records its calls, reads `l2Sender`, can revert, or re-enter.
contract WithdrawalTarget {
    address public lastL2Sender;
    uint256 public calls;
    uint256 public received;
    bool public shouldRevert;
    bool public reentered;
    bool public reentrySucceeded;
    Types.WithdrawalTransaction internal _reentryTx;

    function setShouldRevert(bool _shouldRevert) external {
        shouldRevert = _shouldRevert;
    }

    function setReentry(Types.WithdrawalTransaction calldata _tx) external {
        _reentryTx = _tx;
        reentered = true;
    }

    function hit() external payable {
        require(!shouldRevert, "WithdrawalTarget: told to revert");
        lastL2Sender = Portal(payable(msg.sender)).l2Sender();
        calls += 1;
        received += msg.value;
        if (reentered) {
            (reentrySucceeded,) =
                msg.sender.call(abi.encodeCall(Portal.finalizeWithdrawalTransaction, (_reentryTx)));
        }
    }
}

/// @notice Test helper: a challenger contract that cannot receive ETH (its bond payout must fail).
contract EthRejecter {
    function challenge(address _game, bytes32 _conflictingOutputRoot, bytes calldata _proof) external {
        (bool ok, bytes memory ret) =
            _game.call(abi.encodeWithSignature("challenge(bytes32,bytes)", _conflictingOutputRoot, _proof));
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }
}
